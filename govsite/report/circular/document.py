"""The circular as rendered text: what every writer lays out, whatever the format.

The text layer fills this model once; the Word, Excel and HTML writers only decide fonts,
page and cell formats. Table cells keep their types (int, float, Percent, str, None) so the
workbook stores numbers as numbers while the documents print them the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Percent:
    """A rate in [0, 1]: printed "92.1%", stored in Excel as 0.921 with a percent format."""

    value: float


Cell = int | float | str | Percent | None


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; `heading` is a run-in second-level heading (（一）…) printed in 楷体."""

    text: str
    heading: str = ""


@dataclass(frozen=True)
class ChartRef:
    """Where a chart goes in the body. `caption` is printed under it."""

    name: str
    caption: str


Block = Paragraph | ChartRef


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Columns holding numbers: right-aligned in documents, numeric in the workbook.
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Attachment:
    key: str
    number: int
    label: str  # 附件1
    title: str
    table: Table


@dataclass(frozen=True)
class ChartText:
    """Everything a chart prints besides its data."""

    title: str
    caption: str
    value_label: str


@dataclass(frozen=True)
class CircularDocument:
    title: str
    doc_number: str | None
    recipients: str
    opening: str
    sections: tuple[Section, ...]
    closing: str
    attachment_lines: tuple[str, ...]
    signature: str
    date: str
    attachments: tuple[Attachment, ...]
    charts: dict[str, ChartText] = field(default_factory=dict)
    ranking: Table | None = None
    ranking_sheet: str = ""
    charts_sheet: str = ""

    def texts(self) -> Iterator[tuple[str, str]]:
        """Every string a reader sees, with where it is (for the placeholder check)."""
        yield "title", self.title
        if self.doc_number:
            yield "doc_number", self.doc_number
        yield "recipients", self.recipients
        yield "opening", self.opening
        for section in self.sections:
            yield "section", section.heading
            for block in section.blocks:
                if isinstance(block, Paragraph):
                    yield section.heading, block.heading + block.text
                else:
                    yield block.name, block.caption
        yield "closing", self.closing
        for line in self.attachment_lines:
            yield "attachments", line
        yield "signature", self.signature
        yield "date", self.date
        for name, chart in self.charts.items():
            yield name, chart.title
            yield name, chart.value_label
        for attachment in self.attachments:
            yield attachment.label, attachment.label + attachment.title
            yield from _table_texts(attachment.label, attachment.table)
        if self.ranking is not None:
            yield self.ranking_sheet, self.ranking_sheet
            yield from _table_texts(self.ranking_sheet, self.ranking)


def _table_texts(where: str, table: Table) -> Iterator[tuple[str, str]]:
    for column in table.columns:
        yield where, column
    for row in table.rows:
        for cell in row:
            yield where, cell_text(cell)


def cell_text(value: Cell) -> str:
    """How a cell prints in Word and HTML (the workbook keeps the number itself)."""
    if value is None:
        return "—"
    if isinstance(value, Percent):
        return percent_text(value.value)
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def percent_text(rate: float) -> str:
    """0.92143 → "92.1%": one decimal, as the workbook's 0.0% format shows it."""
    return f"{rate * 100:.1f}%"


def number_text(value: float) -> str:
    """86.5 → "86.5", 90.0 → "90", 86.456 → "86.46": scores without noise."""
    return format(round(value, 2), "g")
