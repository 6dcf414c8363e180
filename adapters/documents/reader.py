"""Reads the text out of an uploaded resume: PDF, DOCX or plain text.

The kind of file is recognised by its content (magic bytes), never by its name
or declared type. Whatever the bytes, ``PypdfDocuments.text_of`` either
returns text or raises ``UnsupportedMedia`` or ``Invalid``; parsing happens in
memory and within limits, so a hostile file cannot exhaust the process.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator

from core.errors import Invalid, UnsupportedMedia

MAX_CHARS = 200_000
"""Extracted text beyond this many characters is dropped."""

MAX_PDF_PAGES = 50
"""Pages beyond this are not read: no resume is that long."""

MAX_PDF_CONTENT = 2 * 1024 * 1024
"""Page drawing instructions beyond this many bytes (decompressed) are not
read: text extraction parses them in Python, and a resume needs far less."""

MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
"""A DOCX whose parts would inflate to more than this is refused."""

MAX_DOCX_ENTRIES = 2_000

_FIELD = "resume_file"
"""The field of ``AnalyzeResumeCommand`` the file came in."""
_UNREADABLE_PDF = "This PDF could not be read; it may be damaged. Please export it again and re-upload"
_UNREADABLE_DOCX = (
    "This Word document could not be read; it may be damaged. Please save it again and re-upload"
)
_ENCRYPTED_PDF = "This PDF is password-protected; please upload an unprotected copy"
_ENCRYPTED_WORD = "This Word document is password-protected; please upload an unprotected copy"
_COMPLEX_PDF = (
    "This PDF could not be read: its pages are too complex. Please export a simpler copy"
)
_NO_TEXT = (
    "This file has no text we could read. If it is a scanned document, please upload a "
    "version with selectable text"
)
_TOO_LARGE = "This Word document could not be read: it expands to more than 50 MB"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_UNPRINTABLE_SHARE = 0.02


def _invalid(message: str) -> Invalid:
    return Invalid({_FIELD: [message]})


class PypdfDocuments:
    """The ``Documents`` port in this process: pypdf for PDF, python-docx
    for DOCX, text decoded by its byte-order mark or as UTF-8."""

    def text_of(self, data: bytes) -> str:
        if not data:
            raise _invalid(_NO_TEXT)
        if data.lstrip(b" \t\r\n\f")[:5] == b"%PDF-":
            text = _pdf_text(data)
        elif data.startswith(_ZIP):
            text = _docx_text(data)
        elif data.startswith(_OLE2):
            # Legacy .doc, .xls and friends. A password-protected DOCX is also
            # stored in this container, under an "EncryptedPackage" stream.
            if "EncryptedPackage".encode("utf-16-le") in data:
                raise _invalid(_ENCRYPTED_WORD)
            raise UnsupportedMedia()
        else:
            text = _plain_text(data)
        return _tidy(text)


# --- PDF ----------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception:  # pypdf raises many kinds on damaged input, RecursionError included
        raise _invalid(_UNREADABLE_PDF) from None
    if encrypted and not _opens_without_password(reader):
        raise _invalid(_ENCRYPTED_PDF)
    try:
        pages = _pdf_pages(reader)
    except Exception:
        raise _invalid(_UNREADABLE_PDF) from None
    if pages is None:
        raise _invalid(_COMPLEX_PDF)
    return "\n\n".join(pages)


def _opens_without_password(reader: object) -> bool:
    """True for a PDF that is encrypted only to restrict editing or printing:
    its empty user password opens it."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # wrong password, or a cipher this install cannot decode
        return False


def _pdf_pages(reader: object) -> list[str] | None:
    """The text of the pages within the limits; None when even the first page
    is beyond them."""
    pages: list[str] = []
    characters = 0
    content_budget = MAX_PDF_CONTENT
    for page in reader.pages:  # type: ignore[attr-defined]
        if len(pages) >= MAX_PDF_PAGES or characters >= MAX_CHARS:
            break
        contents = page.get_contents()
        content_budget -= len(contents.get_data()) if contents is not None else 0
        if content_budget < 0:
            return pages or None
        text = page.extract_text() or ""
        characters += len(text)
        pages.append(text)
    return pages


# --- DOCX ---------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except Exception:
        raise _invalid(_UNREADABLE_DOCX) from None
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise UnsupportedMedia()  # some other ZIP: an archive, a spreadsheet, slides
    if len(entries) > MAX_DOCX_ENTRIES or sum(e.file_size for e in entries) > MAX_DOCX_UNCOMPRESSED:
        raise _invalid(_TOO_LARGE)
    try:
        return "\n".join(_docx_lines(data))
    except Exception:
        raise _invalid(_UNREADABLE_DOCX) from None


def _docx_lines(data: bytes) -> Iterator[str]:
    """Header text first (contact details often live there), then the body in
    document order, tables and text boxes included."""
    import docx

    document = docx.Document(io.BytesIO(data))
    seen: set[int] = set()
    for section in document.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.insert(0, section.first_page_header)
        for header in headers:
            if header.is_linked_to_previous or id(header.part) in seen:
                continue
            seen.add(id(header.part))
            yield from _paragraph_lines(header.part.element)
    yield from _paragraph_lines(document.element.body)


def _paragraph_lines(root: object) -> Iterator[str]:
    total = 0
    for paragraph in root.iter(f"{_W}p"):  # type: ignore[attr-defined]
        if _in_fallback(paragraph):
            continue  # the legacy copy of a text box already read in its modern form
        parts: list[str] = []
        for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
            if _paragraph_of(node) is not paragraph:
                continue  # belongs to a nested paragraph, which is read on its own
            if node.tag == f"{_W}t":
                parts.append(node.text or "")
            else:
                parts.append("\t" if node.tag == f"{_W}tab" else "\n")
        line = "".join(parts)
        total += len(line)
        yield line
        if total >= MAX_CHARS:
            return


def _paragraph_of(node: object) -> object:
    parent = node.getparent()  # type: ignore[attr-defined]
    while parent is not None and parent.tag != f"{_W}p":
        parent = parent.getparent()
    return parent


def _in_fallback(node: object) -> bool:
    parent = node.getparent()  # type: ignore[attr-defined]
    while parent is not None:
        if parent.tag == f"{_MC}Fallback":
            return True
        parent = parent.getparent()
    return False


# --- plain text ---------------------------------------------------------------


def _plain_text(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnsupportedMedia() from None
    else:
        if b"\x00" in data:
            raise UnsupportedMedia()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnsupportedMedia() from None
    if "\x00" in text or text.lstrip().startswith("{\\rtf") or not _mostly_printable(text):
        raise UnsupportedMedia()
    return text


def _mostly_printable(text: str) -> bool:
    sample = text[: MAX_CHARS * 2]
    if not sample:
        return True
    unprintable = sum(
        1
        for ch in sample
        if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) in {"Cc", "Cs", "Cn"}
    )
    return unprintable <= _MAX_UNPRINTABLE_SHARE * len(sample)


# --- common -------------------------------------------------------------------


_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _MANY_BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", text))
    text = text.strip()[:MAX_CHARS]
    if not text.strip():
        raise _invalid(_NO_TEXT)
    return text
