"""Charts: PNG of a fixed size, byte-identical for the same figures, and a clear font error."""

from __future__ import annotations

import struct

import pytest
from matplotlib import font_manager

from govsite.report.circular import build_figures
from govsite.report.circular.charts import DPI, SIZE_INCHES, ChartFontError, cjk_family, render_charts
from govsite.report.circular.document import ChartText

from .conftest import full_data, require_cjk_font

TEXTS = {
    "pass_rate": ChartText("各类别网站合格率", "图：各类别网站合格率", "合格率"),
    "problem_types": ChartText("主要问题类型", "图：主要问题类型", "网站数（家）"),
    "trend": ChartText("各季度合格率", "图：各季度合格率", "合格率"),
}


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def test_charts_are_deterministic_pngs_of_a_fixed_size() -> None:
    require_cjk_font()
    figures = build_figures(full_data())
    first = render_charts(figures, TEXTS)
    second = render_charts(figures, TEXTS)
    assert set(first) == set(TEXTS)
    assert first == second
    for png in first.values():
        assert png_size(png) == (int(SIZE_INCHES[0] * DPI), int(SIZE_INCHES[1] * DPI))
        assert b"Software" not in png and b"matplotlib" not in png


def test_charts_change_with_the_figures() -> None:
    require_cjk_font()
    data = full_data()
    before = render_charts(build_figures(data), TEXTS)["pass_rate"]
    data.run.sites[1].verdict = "pass"
    after = render_charts(build_figures(data), TEXTS)["pass_rate"]
    assert before != after


def test_missing_cjk_font_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    cjk_family.cache_clear()
    try:
        with pytest.raises(ChartFontError, match="fonts-noto-cjk"):
            cjk_family()
    finally:
        cjk_family.cache_clear()
