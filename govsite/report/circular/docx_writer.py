"""The circular as a Word document in the usual official layout (GB/T 9704 style).

Centres edit, stamp and file the .docx, so it has to look like the documents they issue: A4
with the standard margins, the title in 方正小标宋简体, the body in 仿宋_GB2312 on a fixed
line pitch, first-level headings in 黑体 and run-in second-level headings in 楷体_GB2312, the
page number as "— 1 —", and each 附件 on its own pages with its table header repeated. Chinese
font names only take effect through the east-asian slot of w:rFonts, which python-docx does
not set by itself. A machine without these fonts substitutes its own CJK font when printing.
"""

from __future__ import annotations

import io
import os
from datetime import datetime, time
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from govsite.report.circular.data import CircularSettings
from govsite.report.circular.document import (
    Attachment,
    ChartRef,
    CircularDocument,
    Paragraph,
    Table,
    cell_text,
)
from govsite.report.circular.text import check_document

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
ATTACHMENT_TITLE_SIZE = Pt(18)
TABLE_SIZE = Pt(10.5)  # 五号
CELL_PADDING = 3  # half characters: Word's default cell margins (0.19 cm a side), and a little air
MIN_TEXT_COLUMN = 8  # half characters: four Chinese characters a line at the least
CAPTION_SIZE = Pt(14)
LINE_PITCH = Pt(28.95)  # 22 lines on a GB/T 9704 page
INDENT = Pt(32)  # two characters of the body size
TEXT_WIDTH = Cm(21 - 2.8 - 2.6)
CHART_WIDTH = Cm(15)


def write_docx(
    document: CircularDocument, charts: dict[str, bytes], path: Path, settings: CircularSettings
) -> Path:
    """Write the .docx (atomically: a reader never opens half a file)."""
    check_document(document)
    doc = Document()
    _page_setup(doc)
    _default_style(doc)
    _properties(doc, document, settings)
    _body(doc, document, charts)
    for attachment in document.attachments:
        _attachment(doc, attachment)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    doc.save(str(partial))
    os.replace(partial, path)
    return path


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", PAGE_NUMBER_FONT, Pt(14))
    _page_field(_run(footer, "", PAGE_NUMBER_FONT, Pt(14)))
    _run(footer, " —", PAGE_NUMBER_FONT, Pt(14))


def _page_field(run: Run) -> None:
    """A PAGE field inside `run`: begin, instruction, a cached "1", end."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    cached = OxmlElement("w:t")
    cached.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, cached, end):
        run._r.append(element)


def _default_style(doc: DocxDocument) -> None:
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = BODY_SIZE
    rpr = style.element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH


def _properties(doc: DocxDocument, document: CircularDocument, settings: CircularSettings) -> None:
    """Who and when, from the settings, so the same circular saves to the same metadata."""
    props = doc.core_properties
    signed = datetime.combine(settings.sign_date, time())
    props.title = document.title
    props.author = props.last_modified_by = settings.issuer
    props.created = props.modified = signed
    props.revision = 1
    props.subject = props.keywords = props.comments = props.category = ""


def _run(paragraph: DocxParagraph, text: str, font: str, size: Pt, bold: bool = False) -> Run:
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = size
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _paragraph(
    doc: DocxDocument,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: Pt = BODY_SIZE,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
) -> DocxParagraph:
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = INDENT
    if text:
        _run(paragraph, text, font, size)
    return paragraph


def _body(doc: DocxDocument, document: CircularDocument, charts: dict[str, bytes]) -> None:
    if document.doc_number:
        _paragraph(doc, document.doc_number, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(doc)
    title = _paragraph(doc, document.title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(35)
    _paragraph(doc)
    _paragraph(doc, document.recipients)
    _paragraph(doc, document.opening, indent=True)
    for section in document.sections:
        _paragraph(doc, section.heading, font=HEADING_FONT, indent=True)
        for block in section.blocks:
            if isinstance(block, ChartRef):
                _chart(doc, block, charts[block.name])
            else:
                _text_block(doc, block)
    _paragraph(doc, document.closing, indent=True)
    if document.attachment_lines:
        _paragraph(doc)
        for n, line in enumerate(document.attachment_lines):
            paragraph = _paragraph(doc, line, indent=n == 0)
            if n:  # the later titles align under the first, after "附件："
                paragraph.paragraph_format.left_indent = INDENT + Pt(48)
    _paragraph(doc)
    _paragraph(doc)
    for text in (document.signature, document.date):
        paragraph = _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = INDENT


def _text_block(doc: DocxDocument, block: Paragraph) -> None:
    paragraph = _paragraph(doc, indent=True)
    if block.heading:
        _run(paragraph, block.heading, SUBHEADING_FONT, BODY_SIZE)
    _run(paragraph, block.text, BODY_FONT, BODY_SIZE)


def _chart(doc: DocxDocument, block: ChartRef, png: bytes) -> None:
    picture = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact pitch would clip it
    picture.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
    caption = _paragraph(doc, block.caption, size=CAPTION_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    caption.paragraph_format.space_after = Pt(6)


def _attachment(doc: DocxDocument, attachment: Attachment) -> None:
    label = _paragraph(doc, attachment.label, font=HEADING_FONT)
    label.paragraph_format.page_break_before = True
    title = _paragraph(
        doc, attachment.title, font=TITLE_FONT, size=ATTACHMENT_TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.paragraph_format.space_after = Pt(12)
    _table(doc, attachment.table)


def _table(doc: DocxDocument, table: Table) -> DocxTable:
    out = doc.add_table(rows=len(table.rows) + 1, cols=len(table.columns))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = out.rows[0]
    for row in out.rows:  # a row never breaks across pages; the header repeats on each
        _row_property(row._tr, "w:cantSplit")
    _row_property(header._tr, "w:tblHeader")
    texts = [[cell_text(v) for v in row] for row in table.rows]
    widths = _column_widths(table, texts)
    for i, name in enumerate(table.columns):
        _cell(header.cells[i], name, HEADING_FONT, WD_ALIGN_PARAGRAPH.CENTER)
    for r, row in enumerate(texts, start=1):
        for i, text in enumerate(row):
            numeric = i < len(table.numeric) and table.numeric[i]
            align = WD_ALIGN_PARAGRAPH.CENTER if numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell(out.rows[r].cells[i], text, BODY_FONT, align)
    for i, width in enumerate(widths):
        out.columns[i].width = width
        for cell in out.columns[i].cells:
            cell.width = width
    return out


def _row_property(tr: CT_Row, name: str) -> None:
    """Set an on/off row property: w:tblHeader (repeat on every page), w:cantSplit."""
    marker = OxmlElement(name)
    marker.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(marker)


def _cell(cell: _Cell, text: str, font: str, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(2)
    _run(paragraph, text, font, TABLE_SIZE)


def _display_width(text: str) -> float:
    """Width in half characters of the table font: a Chinese character is two, and a digit or
    letter a little over one, since a substituted Latin font is wider than the half-width
    digits of 仿宋."""
    return sum(2 if ord(ch) > 0x2E80 else 1.3 for ch in text)


def _column_widths(table: Table, rows: list[list[str]]) -> list[int]:
    """Numbers and codes never wrap; text columns that fit get their width, and the widest
    share what is left equally (so the long names wrap, not 单位类别).

    Widths are counted in half characters of the table font (plus the cell padding) and
    returned in EMU summing to the text width.
    """
    units = TEXT_WIDTH / (TABLE_SIZE / 2)
    fixed: dict[int, float] = {}
    wants: dict[int, float] = {}
    for i, header in enumerate(table.columns):
        cells = [row[i] for row in rows]
        longest = max((_display_width(c) for c in cells), default=0)
        numeric = i < len(table.numeric) and table.numeric[i]
        if numeric or all(c.isascii() and " " not in c for c in cells):
            # the header may wrap after four characters, the values never
            fixed[i] = max(longest, min(_display_width(header), 8)) + CELL_PADDING
        else:
            wants[i] = max(longest, _display_width(header)) + CELL_PADDING
    room = max(units - sum(fixed.values()), MIN_TEXT_COLUMN * len(wants))
    shares = _fair_shares(wants, room)
    widths = [fixed[i] if i in fixed else shares[i] for i in range(len(table.columns))]
    total = sum(widths)
    return [int(TEXT_WIDTH * w / total) for w in widths]


def _fair_shares(wants: dict[int, float], room: float) -> dict[int, float]:
    """Max-min fair shares of `room`: every column that fits gets what it wants, the others
    split the rest equally."""
    shares: dict[int, float] = {}
    pending = sorted(wants, key=wants.__getitem__)
    while pending and wants[pending[0]] <= room / len(pending):
        i = pending.pop(0)
        shares[i] = wants[i]
        room -= wants[i]
    for i in pending:
        shares[i] = room / len(pending)
    return shares
