"""Builds real PDF, DOCX and other office files in memory for the tests, so
that no binary fixture is committed."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

RESUME = [
    "Amina Njeri",
    "amina@example.com | +254 700 000 000",
    "Experience",
    "Senior Engineer, Acme (2019 - Present)",
    "- Built REST APIs in Python serving 2M requests a day",
    "- Cut PostgreSQL query time by 60%",
    "Education",
    "BSc Computer Science, 2015",
    "Skills",
    "Python, PostgreSQL, Docker",
]
"""The lines of a senior Python engineer's resume, with no Kubernetes or
Kafka: what the resume tests upload as PDF, DOCX or text."""


def _pdf_string(line: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252), parentheses and backslashes escaped."""
    raw = line.encode("cp1252")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


def pdf_bytes(pages: Sequence[Sequence[str]], *, padding: int = 0) -> bytes:
    """A minimal valid PDF: one page per item, each line of text in Helvetica.
    A page given no lines carries only a drawn rectangle, like a scan.
    ``padding`` blank bytes make each page's drawing instructions that long."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for page_id, lines in zip(page_ids, pages, strict=True):
        if lines:
            body = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
            body += [_pdf_string(line) + b" Tj T*" for line in lines]
            body.append(b"ET")
            content = b"\n".join(body)
        else:
            content = b"0.5 g 72 72 450 650 re f"
        content += b" " * padding
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def encrypted_pdf_bytes(lines: Sequence[str], user_password: str, owner_password: str) -> bytes:
    """The PDF of ``lines``, encrypted with pypdf (RC4, which needs no extra
    cryptography package). An empty user password opens it without asking,
    as PDFs that only restrict printing or editing do."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes([lines]))))
    writer.encrypt(user_password, owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(
    paragraphs: Sequence[str],
    *,
    header: str | None = None,
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    """A Word document made with python-docx: an optional page header, the
    paragraphs, then an optional table."""
    import docx

    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A ZIP archive holding ``files`` (name to content), deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def xlsx_like_bytes() -> bytes:
    """The skeleton of an Excel workbook: a ZIP, but with no Word document in it."""
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
        }
    )


def pptx_like_bytes() -> bytes:
    """The skeleton of a PowerPoint deck."""
    return zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "ppt/presentation.xml": b'<?xml version="1.0"?><presentation/>',
        }
    )


def docx_bomb_bytes(uncompressed: int) -> bytes:
    """A ZIP that claims to be a Word document and inflates to ``uncompressed`` bytes."""
    return zip_bytes({"word/document.xml": b"<" + b" " * (uncompressed - 1)})


def legacy_doc_bytes() -> bytes:
    """The start of an OLE2 compound file, the container of Word 97-2003 .doc files."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 482


def encrypted_office_bytes() -> bytes:
    """An OLE2 container holding an "EncryptedPackage" stream, which is how
    Office stores a password-protected DOCX."""
    name = "EncryptedPackage".encode("utf-16-le")
    return legacy_doc_bytes() + name + b"\x00" * 64


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
"""A one-pixel PNG image."""

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
"""The start of a Windows executable."""
