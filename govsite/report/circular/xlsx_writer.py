"""The circular's tables as an Excel workbook, for the people who sort and re-count.

One sheet per 附件 with the same columns as the Word document, a 评估排名 sheet when there is
an evaluation, and the charts. Numbers stay numbers (percentages are fractions with a 0.0%
format), so a centre can filter, sum and chart them without retyping; the header row is
frozen and filterable.
"""

from __future__ import annotations

import io
import os
import re
from datetime import datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from govsite.report.circular.data import CircularSettings
from govsite.report.circular.document import Cell, CircularDocument, Percent, Table, cell_text
from govsite.report.circular.text import check_document

PERCENT_FORMAT = "0.0%"
SCORE_FORMAT = "0.0#"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
CHART_PIXELS = (640, 360)
ROW_PIXELS = 20
# Excel refuses these in sheet names, and names longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(
    document: CircularDocument, charts: dict[str, bytes], path: Path, settings: CircularSettings
) -> Path:
    check_document(document)
    wb = Workbook()
    wb.remove(wb.active)
    for attachment in document.attachments:
        _table_sheet(wb, f"{attachment.label} {attachment.title}", attachment.table)
    if document.ranking is not None:
        _table_sheet(wb, document.ranking_sheet, document.ranking)
    if charts:
        _chart_sheet(wb, document, charts)
    signed = datetime.combine(settings.sign_date, time())
    wb.properties.title = document.title
    wb.properties.creator = wb.properties.lastModifiedBy = settings.issuer
    wb.properties.created = wb.properties.modified = signed
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    wb.save(partial)
    os.replace(partial, path)
    return path


def sheet_name(text: str) -> str:
    return _SHEET_FORBIDDEN.sub("", text)[:31]


def _table_sheet(wb: Workbook, name: str, table: Table) -> Worksheet:
    ws = wb.create_sheet(sheet_name(name))
    ws.append(list(table.columns))
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table.rows:
        ws.append([_value(v) for v in row])
        for cell, value in zip(ws[ws.max_row], row, strict=True):
            if isinstance(value, Percent):
                cell.number_format = PERCENT_FORMAT
            elif isinstance(value, float):
                cell.number_format = SCORE_FORMAT
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, column in enumerate(table.columns):
        longest = max([_width(column)] + [_width(cell_text(row[i])) for row in table.rows])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(longest + 2, 60)
    return ws


def _value(value: Cell) -> int | float | str | None:
    if isinstance(value, Percent):
        return value.value
    if value == "":
        return None
    return value


def _width(text: str) -> int:
    """Excel column width units: a Chinese character takes about two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _chart_sheet(wb: Workbook, document: CircularDocument, charts: dict[str, bytes]) -> None:
    ws = wb.create_sheet(sheet_name(document.charts_sheet))
    ws.column_dimensions["A"].width = 90
    row = 1
    for name, png in charts.items():
        ws.cell(row=row, column=1, value=document.charts[name].caption).font = HEADER_FONT
        image = Image(io.BytesIO(png))
        image.width, image.height = CHART_PIXELS
        image.anchor = f"A{row + 1}"
        ws.add_image(image)
        row += CHART_PIXELS[1] // ROW_PIXELS + 3
