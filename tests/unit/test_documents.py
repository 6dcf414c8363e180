"""The offline document reader: text out of real PDF, DOCX and text files,
recognised by content, and the right refusal for everything else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.documents.reader import PypdfDocuments
from core.errors import ErrorCode, Invalid, UnsupportedMedia
from tests.fixtures_docs import (
    EXE_BYTES,
    PNG_BYTES,
    docx_bomb_bytes,
    docx_bytes,
    encrypted_office_bytes,
    encrypted_pdf_bytes,
    legacy_doc_bytes,
    pdf_bytes,
    pptx_like_bytes,
    xlsx_like_bytes,
    zip_bytes,
)

reader = PypdfDocuments()


def field_message(error: Invalid) -> str:
    assert list(error.field_errors) == ["resume_file"]
    (message,) = error.field_errors["resume_file"]
    return message


def test_reads_every_page_of_a_pdf():
    data = pdf_bytes(
        [
            ["Jane Doe (Backend Engineer)", "jane@example.com"],
            ["Skills: Python, PostgreSQL, caf\u00e9 culture"],
        ]
    )

    text = reader.text_of(data)

    assert "Jane Doe (Backend Engineer)" in text
    assert "jane@example.com" in text
    assert "Python, PostgreSQL, caf\u00e9 culture" in text


def test_reads_a_pdf_encrypted_only_against_editing():
    data = encrypted_pdf_bytes(["Open resume text"], user_password="", owner_password="owner")

    assert reader.text_of(data) == "Open resume text"


def test_refuses_a_password_protected_pdf_with_a_clear_message():
    data = encrypted_pdf_bytes(["Secret resume"], user_password="letmein", owner_password="owner")

    with pytest.raises(Invalid) as caught:
        reader.text_of(data)

    assert "password-protected" in field_message(caught.value)


def test_a_scanned_pdf_without_text_is_invalid():
    with pytest.raises(Invalid) as caught:
        reader.text_of(pdf_bytes([[]]))

    assert "no text" in field_message(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not really a PDF",
        pdf_bytes([["Hello world"]])[:150],
    ],
    ids=["garbage", "truncated"],
)
def test_a_corrupt_pdf_could_not_be_read(data):
    with pytest.raises(Invalid) as caught:
        reader.text_of(data)

    assert "could not be read" in field_message(caught.value)


def test_a_pdf_too_complex_to_parse_quickly_is_refused():
    with pytest.raises(Invalid) as caught:
        reader.text_of(pdf_bytes([["Hello"]], padding=3 * 1024 * 1024))

    assert "could not be read" in field_message(caught.value)


def test_pages_past_the_complexity_budget_are_left_out():
    data = pdf_bytes([["First page"], ["Second page"]], padding=1536 * 1024)

    assert reader.text_of(data) == "First page"


def test_reads_a_word_document_with_its_header_and_tables():
    data = docx_bytes(
        ["Experience", "Built a billing service in Python"],
        header="jane@example.com | +44 20 7946 0958",
        table=[["Languages", "Python, Go"], ["Databases", "PostgreSQL"]],
    )

    text = reader.text_of(data)

    lines = text.splitlines()
    assert lines[0] == "jane@example.com | +44 20 7946 0958"
    assert "Built a billing service in Python" in lines
    assert "Python, Go" in lines
    assert "PostgreSQL" in lines


def test_a_word_document_is_recognised_by_content_not_name():
    # Only bytes reach the reader: the same DOCX reads whatever it was called.
    assert "Hello" in reader.text_of(docx_bytes(["Hello"]))


@pytest.mark.parametrize(
    "data",
    [
        docx_bytes(["x"])[:400],
        zip_bytes({"word/document.xml": b"<w:document>not closed"}),
    ],
    ids=["truncated", "broken-xml"],
)
def test_a_corrupt_word_document_could_not_be_read(data):
    with pytest.raises(Invalid) as caught:
        reader.text_of(data)

    assert "could not be read" in field_message(caught.value)


def test_a_word_document_that_inflates_past_the_limit_is_refused():
    with pytest.raises(Invalid) as caught:
        reader.text_of(docx_bomb_bytes(51 * 1024 * 1024))

    assert "could not be read" in field_message(caught.value)


def test_an_empty_word_document_has_no_text():
    with pytest.raises(Invalid) as caught:
        reader.text_of(docx_bytes(["", "   "]))

    assert "no text" in field_message(caught.value)


def test_a_password_protected_word_document_is_explained():
    with pytest.raises(Invalid) as caught:
        reader.text_of(encrypted_office_bytes())

    assert "password-protected" in field_message(caught.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Jane Doe\r\nPython developer\r\n", "Jane Doe\nPython developer"),
        ("\ufeffZo\u00eb M\u00fcller, d\u00e9veloppeuse".encode(), "Zo\u00eb M\u00fcller, d\u00e9veloppeuse"),
        ("Zo\u00eb M\u00fcller".encode("utf-16"), "Zo\u00eb M\u00fcller"),
        ("Zo\u00eb M\u00fcller".encode("utf-16-be").join([b"\xfe\xff", b""]), "Zo\u00eb M\u00fcller"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_reads_plain_text(data, expected):
    assert reader.text_of(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        legacy_doc_bytes(),
        zip_bytes({"notes.txt": b"hello"}),
        xlsx_like_bytes(),
        pptx_like_bytes(),
        PNG_BYTES,
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        EXE_BYTES,
        b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8,
        bytes(range(256)),
        b"{\\rtf1\\ansi Jane Doe}",
        b"Jane\x01\x02\x03\x04",
        b"text with a NUL\x00 in it",
    ],
    ids=[
        "legacy-doc",
        "zip",
        "xlsx",
        "pptx",
        "png",
        "jpeg",
        "gif",
        "exe",
        "elf",
        "random",
        "rtf",
        "control-chars",
        "nul",
    ],
)
def test_other_kinds_of_file_are_unsupported(data):
    with pytest.raises(UnsupportedMedia) as caught:
        reader.text_of(data)

    assert caught.value.code is ErrorCode.UNSUPPORTED_MEDIA
    assert caught.value.message == "Please upload a PDF, Word document, or text file"


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n "], ids=["empty", "blank"])
def test_an_empty_file_has_no_text(data):
    with pytest.raises(Invalid) as caught:
        reader.text_of(data)

    assert "no text" in field_message(caught.value)


def test_long_text_is_capped():
    text = reader.text_of(b"word " * 100_000)

    assert 0 < len(text) <= 200_000


_PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PREFIXES), st.binary(max_size=2048))
def test_any_bytes_give_text_or_a_refusal(prefix, tail):
    try:
        text = reader.text_of(prefix + tail)
    except (UnsupportedMedia, Invalid):
        return
    assert isinstance(text, str)
    assert text.strip()


@settings(max_examples=50, deadline=None)
@given(st.sampled_from([pdf_bytes([["Jane Doe", "Python"]]), docx_bytes(["Jane Doe"])]), st.data())
def test_damaged_documents_give_text_or_a_refusal(document, data):
    position = data.draw(st.integers(0, len(document) - 1))
    replacement = data.draw(st.binary(min_size=1, max_size=64))
    damaged = document[:position] + replacement + document[position + len(replacement) :]
    try:
        text = reader.text_of(damaged)
    except (UnsupportedMedia, Invalid):
        return
    assert isinstance(text, str)
