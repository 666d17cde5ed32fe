"""The circular's charts as PNG, drawn offline with matplotlib's Agg canvas.

PNG because Word, Excel and HTML all embed it as it is. Chinese labels need a CJK font: the
system's Noto CJK or WenQuanYi is found through matplotlib's font manager, and a machine
without one fails with the apt package to install rather than drawing empty boxes. The output
is deterministic (fixed size and dpi, no software or date in the PNG metadata), so charts of
the same figures compare byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from govsite.report.circular.document import ChartText, percent_text
from govsite.report.circular.figures import Figures

# Preferred first: the fonts of fonts-noto-cjk, then WenQuanYi (fonts-wqy-microhei / zenhei).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
)
CJK_FILES = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy-microhei", "wqy-zenhei")
SIZE_INCHES = (6.4, 3.6)
DPI = 150
BAR_COLOUR = "#b22222"  # the red of official documents; one colour, no legend needed
LINE_COLOUR = "#1f4e79"


class ChartFontError(RuntimeError):
    """No font that can draw Chinese text is installed."""


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """The family name of an installed CJK font, registering it if matplotlib's cache
    predates its installation."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for path in font_manager.findSystemFonts():
        if any(mark in Path(path).name.lower() for mark in CJK_FILES):
            font_manager.fontManager.addfont(path)
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    raise ChartFontError(
        "未找到可显示中文的字体，无法绘制通报图表。请安装：apt-get install fonts-noto-cjk"
        "（或 fonts-wqy-microhei）"
    )


def render_charts(figures: Figures, texts: dict[str, ChartText]) -> dict[str, bytes]:
    """PNG bytes of every chart the rendered circular refers to, by chart name."""
    return {name: render_chart(name, figures, text) for name, text in texts.items()}


def render_chart(name: str, figures: Figures, text: ChartText) -> bytes:
    if name not in _DRAW:
        raise ValueError(f"unknown chart {name!r}; known: {', '.join(_DRAW)}")
    family = cjk_family()
    with rc_context({"font.family": "sans-serif", "font.sans-serif": [family], "axes.unicode_minus": False}):
        fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        _DRAW[name](ax, figures, text)
        ax.set_title(text.title, fontsize=12)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _pass_rate(ax: Axes, figures: Figures, text: ChartText) -> None:
    rated = [c for c in figures.categories if c.pass_rate is not None]
    names = [c.name for c in rated]
    values = [c.pass_rate * 100 for c in rated if c.pass_rate is not None]
    bars = ax.bar(names, values, color=BAR_COLOUR, width=0.55)
    ax.bar_label(bars, labels=[percent_text(v / 100) for v in values], padding=2, fontsize=9)
    ax.set_ylim(0, 110)
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    ax.set_ylabel(text.value_label)


def _problem_types(ax: Axes, figures: Figures, text: ChartText) -> None:
    rows = list(reversed(figures.problem_types))  # widest bar on top
    bars = ax.barh([p.type for p in rows], [p.sites for p in rows], color=BAR_COLOUR, height=0.6)
    ax.bar_label(bars, padding=2, fontsize=9)
    ax.set_xlabel(text.value_label)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, max(p.sites for p in rows) * 1.15 + 0.5)


def _trend(ax: Axes, figures: Figures, text: ChartText) -> None:
    points = [p for p in figures.trend if p.pass_rate is not None]
    labels = [p.period_zh for p in points]
    values = [p.pass_rate * 100 for p in points if p.pass_rate is not None]
    ax.plot(labels, values, marker="o", color=LINE_COLOUR)
    for x, y in zip(labels, values, strict=True):
        ax.annotate(percent_text(y / 100), (x, y), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=9)
    ax.set_ylim(max(0.0, min(values) - 10), 105)
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    ax.set_ylabel(text.value_label)


_DRAW: dict[str, Callable[..., None]] = {
    "pass_rate": _pass_rate,
    "problem_types": _problem_types,
    "trend": _trend,
}
