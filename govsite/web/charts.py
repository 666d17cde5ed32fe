"""Charts as inline SVG, drawn on the server: no script, nothing fetched, printable.

Every label is escaped here (a category or unit name comes from a registry file), and only
presentation attributes are used, never `style=`, so the page's CSP can forbid inline styles.
Each chart carries a <title> and an aria-label; the page shows the same figures as a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

LABEL_CHARS = 14
BAR_COLOR = "#0969da"
LINE_COLOR = "#1a7f37"
GRID_COLOR = "#d0d7de"
TEXT_COLOR = "#1f2328"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the figure written after the bar ("83.3%（5/6）")


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None  # None: nothing measured there, the line breaks


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(title: str, bars: list[Bar], *, max_value: float) -> Markup:
    """Horizontal bars, one row per item, longest labels cut with a tooltip of the full one."""
    row, label_w, bar_w, text_w = 26, 190, 330, 130
    width, height = label_w + bar_w + text_w, max(1, len(bars)) * row + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, bar in enumerate(bars):
        y = 5 + i * row
        length = 0.0 if max_value <= 0 else max(0.0, min(1.0, bar.value / max_value)) * bar_w
        parts.append(
            f'<g><title>{escape(bar.label)}：{escape(bar.text)}</title>'
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOR}">{escape(_short(bar.label))}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="16" fill="#f6f8fa"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="16" fill="{BAR_COLOR}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 17}" font-size="13" '
            f'fill="{TEXT_COLOR}">{escape(bar.text)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(title: str, points: list[Point], *, y_max: float = 100.0,
               y_min: float = 0.0, unit: str = "%") -> Markup:
    """A line over evenly spaced points; a None breaks the line (no data is not zero)."""
    width, height, left, right, top, bottom = 640, 220, 48, 40, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (y_max - y_min) or 1.0

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (plot_w / 2 if len(points) == 1 else i * plot_w / (len(points) - 1))
        return x, top + plot_h * (1 - (min(max(value, y_min), y_max) - y_min) / span)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for k in range(5):
        value = y_min + span * k / 4
        y = top + plot_h * (1 - k / 4)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="{GRID_COLOR}" stroke-width="1"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="{TEXT_COLOR}">{_n(value)}{escape(unit)}</text>')
    segment: list[str] = []
    segments: list[list[str]] = [segment]
    dots: list[str] = []
    step = max(1, len(points) // 8)
    for i, point in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            x = xy(i, y_min)[0]
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                         f'font-size="11" fill="{TEXT_COLOR}">{escape(point.label)}</text>')
        if point.value is None:
            segment = []
            segments.append(segment)
            continue
        x, y = xy(i, point.value)
        segment.append(f"{x:.1f},{y:.1f}")
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE_COLOR}">'
                     f'<title>{escape(point.label)}：{_n(point.value)}{escape(unit)}</title></circle>')
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{LINE_COLOR}" '
                         f'stroke-width="2"/>')
    parts += dots
    parts.append("</svg>")
    return Markup("".join(parts))
