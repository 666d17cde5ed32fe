"""write_circular's files, and the PDF through LibreOffice checked with pypdf."""

from __future__ import annotations

import re
import shutil
import struct
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from govsite.report.circular import (
    ToolMissingError,
    assert_no_placeholders,
    docx_to_pdf,
    pdf_page_png,
    write_circular,
)
from govsite.report.circular import writer as writer_module

from .conftest import SETTINGS, code, full_data, require, require_cjk_font

CJK_FONT = re.compile(r"CJK|Noto|WenQuanYi|WQY|Song|Fang|Hei|Kai", re.I)


def test_file_names_and_formats(written) -> None:
    assert {k: p.name for k, p in written.items()} == {
        "docx": "通报-2026Q3.docx", "xlsx": "通报-2026Q3.xlsx", "html": "通报-2026Q3.html"}
    assert all(p.stat().st_size > 10_000 for p in written.values())
    assert not list(written["docx"].parent.glob("*.partial"))


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="odt"):
        write_circular(full_data(), SETTINGS, tmp_path, formats=("docx", "odt"))


def test_missing_tools_name_their_packages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(writer_module.shutil, "which", lambda name: None)
    with pytest.raises(ToolMissingError, match="libreoffice-writer-nogui"):
        docx_to_pdf(tmp_path / "a.docx", tmp_path)
    with pytest.raises(ToolMissingError, match="poppler-utils"):
        pdf_page_png(tmp_path / "a.pdf", 1, tmp_path / "a.png")


def fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font the pages use (forms included): base name → whether its program is embedded."""
    found: dict[str, bool] = {}

    def visit(resources: DictionaryObject | None) -> None:
        if not resources:
            return
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])]
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            embedded = font["/Subtype"] == "/Type3" or (
                descriptor is not None
                and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
            found[str(font["/BaseFont"]) if "/BaseFont" in font else "Type3"] = embedded
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def test_pdf_through_libreoffice(tmp_path: Path) -> None:
    require_cjk_font()
    require(
        bool(shutil.which("soffice") or shutil.which("libreoffice")),
        "LibreOffice (soffice) is not installed: run `make office` (apt libreoffice-writer-nogui)",
    )
    paths = write_circular(full_data(), SETTINGS, tmp_path, formats=("pdf",))
    assert set(paths) == {"pdf"}
    assert paths["pdf"].name == "通报-2026Q3.pdf"
    assert not (tmp_path / "通报-2026Q3.docx").exists()  # only a step on the way

    reader = PdfReader(paths["pdf"])
    assert len(reader.pages) >= 2  # the body, then the attachments on their own pages
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)
    assert "关于2026年第三季度政府网站检查情况的通报" in flat
    assert "附件1" in flat and code("02") in flat
    assert_no_placeholders(text)
    used = fonts(reader)
    assert used and all(used.values()), used
    assert any(CJK_FONT.search(name) for name in used), used

    require(bool(shutil.which("pdftoppm")),
            "pdftoppm is not installed: run `make office` (apt poppler-utils)")
    png = pdf_page_png(paths["pdf"], 1, tmp_path / "page1.png", dpi=40)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert (width, height) == (round(21 / 2.54 * 40), round(29.7 / 2.54 * 40))
