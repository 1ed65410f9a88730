"""PDFs that can act when opened (scripts, launch, automatic actions, embedded files) and HTML/PDF polyglots are
refused with a message saying what to do; ordinary PDFs (a page to open at, web links) still pass."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from zhicheng.core.errors import ApplicationError
from zhicheng.files.inspection import MB, evidence_inspect

from . import samples as files


def _writer() -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf_bytes(2))))


def _bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _link(writer: PdfWriter, action: DictionaryObject) -> None:
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]),
        NameObject("/A"): action,
    })
    writer.pages[1][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _with_document_javascript() -> bytes:
    writer = _writer()  # the document-level script name tree, which readers run on opening
    script = writer._add_object(_action("/JavaScript", JS="app.alert('hi');"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("init"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    return _bytes(writer)


def _with_open_action_javascript() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.alert(1)")
    return _bytes(writer)


def _with_launch_link() -> bytes:
    writer = _writer()
    _link(writer, _action("/Launch", F="C:\\Windows\\System32\\calc.exe"))
    return _bytes(writer)


def _with_page_additional_action() -> bytes:
    writer = _writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/GoTo")})
    return _bytes(writer)


def _with_embedded_file() -> bytes:
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ" + b"\0" * 100)
    return _bytes(writer)


def _with_escaped_javascript_name() -> bytes:
    writer = _writer()
    _link(writer, _action("/JavaScript", JS="app.alert(1)"))
    data = _bytes(writer)
    assert b"/JavaScript" in data
    return data.replace(b"/JavaScript", b"/J#61vaScript")  # the same name, written so a byte search misses it


def _refusal(data: bytes) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        evidence_inspect(io.BytesIO(data), claimed_name="业绩证明.pdf", max_bytes=MB)
    return caught.value


@pytest.mark.parametrize("make, reason", [
    (_with_document_javascript, "javascript"),
    (_with_open_action_javascript, "open_action"),
    (_with_launch_link, "launch"),
    (_with_page_additional_action, "auto_action"),
    (_with_embedded_file, "embedded_file"),
    (_with_escaped_javascript_name, "javascript"),
], ids=["names-javascript", "open-action", "launch", "page-aa", "embedded-file", "escaped-name"])
def test_a_pdf_that_can_act_when_opened_is_refused(make, reason):
    error = _refusal(make())
    assert (error.code, error.status, error.details["reason"]) == ("evidence_active_content", 400, reason)
    assert "业绩证明.pdf" in error.message_zh and "重新生成" in error.message_zh
    assert "security" in error.message_en and error.details["field"] == "file"


def test_the_refusal_speaks_english_to_an_english_reader():
    with translation.override("en"):
        assert "Print it to a new PDF" in _refusal(_with_launch_link()).message


@pytest.mark.parametrize("prefix", [
    b"<html><body><script>alert(document.cookie)</script></body></html>\n",
    b"<!DOCTYPE html>\n",
    b"\n  <script>fetch('/api/')</script>\n",
    b"<svg onload=alert(1)>\n",
], ids=["html-script", "doctype", "script-after-blank", "svg"])
def test_html_before_the_pdf_header_is_a_refused_polyglot(prefix):
    error = _refusal(prefix + files.pdf_bytes())
    assert (error.code, error.details["reason"]) == ("evidence_active_content", "polyglot")
    assert "网页" in error.message_zh


def test_a_pdf_header_beyond_the_first_kilobyte_is_not_a_pdf():
    error = _refusal(b"<html>" + b" " * 1100 + files.pdf_bytes())
    assert (error.code, error.status) == ("evidence_type", 415)


class TestStillAccepted:
    def test_binary_junk_before_the_header_within_a_kilobyte(self):
        got = evidence_inspect(io.BytesIO(b"\0" * 500 + files.pdf_bytes()), claimed_name="a.pdf", max_bytes=MB)
        assert got.kind == "pdf"

    def test_an_open_action_that_only_names_the_first_page(self):
        writer = _writer()
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference,
                                                                      NameObject("/Fit")])
        assert evidence_inspect(io.BytesIO(_bytes(writer)), claimed_name="a.pdf", max_bytes=MB).page_count == 2

    def test_a_web_link(self):
        writer = _writer()
        _link(writer, _action("/URI", URI="https://www.example.com/"))
        assert evidence_inspect(io.BytesIO(_bytes(writer)), claimed_name="a.pdf", max_bytes=MB).kind == "pdf"
