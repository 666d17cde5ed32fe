"""The Word circular, opened with python-docx: layout, fonts, and the figures in its text."""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from govsite.report.circular import assert_no_placeholders
from govsite.report.circular.document import number_text, percent_text

from .conftest import code


@pytest.fixture(scope="module")
def doc(written):
    return Document(str(written["docx"]))


def east_asia(run) -> str | None:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def paragraph(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


def test_page_is_a4_with_official_margins(doc) -> None:
    section = doc.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    # Word stores twips: compare to the hundredth of a centimetre.
    assert [round(size.cm, 2) for size in sizes] == [21, 29.7, 3.7, 3.5, 2.8, 2.6]


def test_title_recipients_and_fonts(doc) -> None:
    title = paragraph(doc, "关于2026年第三季度政府网站检查情况的通报")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asia(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)
    recipients = paragraph(doc, "各街道办事处，区政府各委、办、局：")
    assert recipients.paragraph_format.first_line_indent is None
    heading = paragraph(doc, "一、总体情况")
    assert east_asia(heading.runs[0]) == "黑体"
    run_in = next(p for p in doc.paragraphs if p.text.startswith("（一）立即整改突出问题。"))
    assert [east_asia(r) for r in run_in.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    body = next(p for p in doc.paragraphs if p.text.startswith("本次共检查"))
    assert east_asia(body.runs[0]) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)


def test_numbers_in_the_text_are_the_figures(doc, expected) -> None:
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"总体合格率为{percent_text(expected.pass_rate)}。" in text
    assert f"合格{expected.passed}家，不合格{expected.failed}家" in text
    for c in expected.categories:
        assert f"{c.name}检查{c.checked}家，合格{c.passed}家，合格率{percent_text(c.pass_rate)}" in text
    assert "南湖街道办事处网站（并列第3名，90分）" in text
    assert "优秀网站（4家）：市政府部门：区教育委员会网站；区政府：东城街道办事处网站、南湖街道" in text
    assert "区卫生健康委员会（2条）、区司法局（1条）" in text


def test_signature_and_date_close_the_body(doc) -> None:
    texts = [p.text for p in doc.paragraphs]
    date = texts.index("2026年10月15日")
    assert texts[date - 1] == "海德区政府网站管理中心"
    assert texts[date + 1] == "附件1"  # the attachments follow the date
    for i in (date - 1, date):
        assert doc.paragraphs[i].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert texts.index("特此通报。") < texts.index("附件：1．检查网站名单") < date


def test_page_number_field_in_the_footer(doc) -> None:
    footer = doc.sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))


def test_charts_are_inline_images(doc) -> None:
    assert len(doc.inline_shapes) == 3


def test_attachments_start_pages_with_repeated_headers(doc, expected) -> None:
    labels = [p for p in doc.paragraphs if p.text in ("附件1", "附件2", "附件3", "附件4")]
    assert [p.text for p in labels] == ["附件1", "附件2", "附件3", "附件4"]
    assert all(p.paragraph_format.page_break_before for p in labels)
    assert all(east_asia(p.runs[0]) == "黑体" for p in labels)
    texts = [p.text for p in doc.paragraphs]
    titles = ["检查网站名单", "各类别统计", "存在突出问题的网站名单", "我为政府网站找错留言办理情况"]
    for label, title in zip(["附件1", "附件2", "附件3", "附件4"], titles, strict=True):
        assert texts[texts.index(label) + 1] == title
    assert len(doc.tables) == 4
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    sites, categories, problems, messages = ([[c.text for c in r.cells] for r in t.rows] for t in doc.tables)
    assert sites[0] == ["序号", "网站名称", "网站标识码", "主办单位", "单位类别", "得分", "等级/结论"]
    assert len(sites) == 1 + expected.sites_checked
    assert [r[2] for r in sites[1:]] == [s.site_code for s in expected.sites]
    assert categories[0] == ["类别", "检查数", "合格数", "合格率", "平均分", "高于平均分", "最低分", "优良率"]
    for row, c in zip(categories[1:], expected.categories, strict=False):
        assert row[:4] == [c.name, str(c.checked), str(c.passed), percent_text(c.pass_rate)]
        assert row[4] == number_text(c.average)
    assert categories[-1][:4] == ["合计", "12", "8", percent_text(expected.pass_rate)]
    assert problems[0] == ["序号", "网站名称", "网站标识码", "存在的突出问题"]
    assert [(r[1], r[2]) for r in problems[1:]] == [(p.name, p.site_code) for p in expected.problem_sites]
    west = next(r for r in problems if r[2] == code("02"))
    assert west[3] == "首页长期未更新、空白栏目（3处）"
    assert messages[-1][1:4] == ["合计", "6", "4"]


def test_no_placeholder_anywhere(doc) -> None:
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    assert len(texts) > 150
    for text in texts:
        assert_no_placeholders(text)
