"""Hostile uploads against the isolated reader (issue 8, finding 3), built in
the test: a DOCX whose zip directory lies about its sizes, a DOCX of tens of
megabytes of empty paragraphs compressed to a few hundred kilobytes, and a
PDF that draws one large form object on fifty pages. Each is refused with a
message a person understands, within the time budget, without the worker's
own memory growing; and an honest file is read meanwhile, as another user's
would be."""

from __future__ import annotations

import io
import resource
import struct
import threading
import time
import zipfile

import pytest

from adapters.documents.isolated import IsolatedDocuments
from core.errors import Invalid

BUDGET_SECONDS = 8.0
MEMORY = 256 * 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(filler: bytes, megabytes: int) -> bytes:
    """A DOCX whose body holds ``filler`` repeated to ``megabytes`` MB,
    written a megabyte at a time so that the test itself stays small."""
    out = io.BytesIO()
    chunk = filler * (1024 * 1024 // len(filler))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document " + W.encode() + b"><w:body>")
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</w:body></w:document>")
    return out.getvalue()


def lying_docx() -> bytes:
    """word/document.xml inflates to 300 MB, but the central directory says
    1 KB: a reader that trusts declared sizes is fooled."""
    data = bytearray(_docx(b" ", 300))
    entry = data.rfind(b"PK\x01\x02")  # the last central directory entry: word/document.xml
    struct.pack_into("<I", data, entry + 24, 1024)  # its uncompressed size, a lie
    return bytes(data)


def empty_paragraphs_docx() -> bytes:
    return _docx(b"<w:p/>", 48)  # 48 MB of empty paragraphs


def xobject_pdf(pages: int = 50) -> bytes:
    """Every page draws the same form XObject, whose content is a million
    tiny text operations."""
    content = b"BT /F1 1 Tf " + b"(a) Tj " * 1_000_000 + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(f"{4 + i} 0 R".encode() for i in range(pages))
        + f"] /Count {pages} >>".encode(),
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 << /Type /Font "
        b"/Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length " + str(len(content)).encode() + b" >>\nstream\n"
        + content + b"\nendstream",
    ]
    draw = b"/X1 Do " * 200
    page_content = f"{4 + pages}".encode()
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X1 3 0 R >> >> "
                       b"/Contents " + page_content + b" 0 R >>")
    objects.append(b"<< /Length " + str(len(draw)).encode() + b" >>\nstream\n" + draw + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


HONEST = b"Ada Lovelace\nada@example.com\nExperience\nPython developer, 2019 - 2024\nSkills\nPython, SQL\n"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("bomb", [lying_docx, empty_paragraphs_docx, xobject_pdf])
def test_a_bomb_is_refused_within_budget_while_an_honest_file_is_read(bomb) -> None:  # noqa: ANN001
    data = bomb()
    reader = IsolatedDocuments(memory=MEMORY, seconds=BUDGET_SECONDS, concurrency=2)
    peak_before = _peak_rss_mb()
    honest: list[str] = []
    other_user = threading.Thread(target=lambda: honest.append(reader.text_of(HONEST)))

    started = time.monotonic()
    other_user.start()
    with pytest.raises(Invalid) as refused:
        reader.text_of(data)
    took = time.monotonic() - started
    other_user.join(timeout=BUDGET_SECONDS)

    assert took < BUDGET_SECONDS + 3, f"{bomb.__name__} took {took:.1f}s"
    (messages,) = refused.value.field_errors.values()
    assert messages and all("could not be read" in m or "too large or too complex" in m or "too complex" in m
                            for m in messages), messages
    assert honest and "Python developer" in honest[0]
    assert _peak_rss_mb() - peak_before < 100, "the bomb grew the worker's own memory"
