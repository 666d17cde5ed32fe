"""The text layer: sentences from the figures, overrides, absent data left out, no placeholders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from govsite.report.circular import (
    PlaceholderError,
    TextLayerError,
    assert_no_placeholders,
    build_figures,
    load_text_layer,
    render_circular,
)
from govsite.report.circular.document import ChartRef, CircularDocument, Paragraph

from .conftest import SETTINGS, full_data, minimal_data


def render(data=None, layer_path: Path | None = None, settings=SETTINGS) -> CircularDocument:
    layer = load_text_layer(layer_path)
    return render_circular(build_figures(data or full_data(), layer.vocabulary), settings, layer)


def body(document: CircularDocument) -> str:
    return "\n".join(
        b.heading + b.text for s in document.sections for b in s.blocks if isinstance(b, Paragraph)
    )


@pytest.fixture(scope="module")
def document() -> CircularDocument:
    return render()


def test_title_recipients_and_headings(document) -> None:
    assert document.title == "关于2026年第三季度政府网站检查情况的通报"
    assert document.recipients == "各街道办事处，区政府各委、办、局："
    assert [s.heading for s in document.sections] == ["一、总体情况", "二、存在的问题", "三、下一步工作要求"]
    assert "海德区政府网站管理中心对2026年第三季度" in document.opening
    assert (document.signature, document.date) == ("海德区政府网站管理中心", "2026年10月15日")
    assert document.doc_number == "海网管〔2026〕12号"


def test_sentences_carry_the_figures(document) -> None:
    text = body(document)
    assert "本次共检查正常运行的政府网站12家。经检查，合格8家，不合格3家，总体合格率为72.7%。" in text
    assert "不计入合格率：北山街道办事处网站。" in text
    assert "总体合格率较2026年第二季度（66.7%）提高6个百分点。" in text
    assert "市政府部门检查5家，合格4家，合格率80.0%；区政府检查4家，合格2家，合格率66.7%" in text
    assert "南湖街道办事处网站（并列第3名，90分）、高新区管委会网站（并列第3名，90分）" in text
    assert "区教育委员会网站（第1名，95分）" in text
    assert ("优秀网站（4家）：市政府部门：区教育委员会网站；区政府：东城街道办事处网站、南湖街道办事处网站；"
            "管委会：高新区管委会网站。") in text
    assert ("进步幅度突出的网站：文旅区管委会网站（较上期提高12.5分）、"
            "高新区管委会网站（较上期提高10分）。") in text
    assert "2家单位网站存在网民留言超过3个月未回应问题：区卫生健康委员会（2条）、区司法局（1条）。" in text
    assert "1家单位网民留言办理超期：区卫生健康委员会（2条）" in text
    assert "按期办结率为60.0%" in text
    assert "已整改2个，未整改2个，无法核实1个" in text
    assert "一致率为66.7%" in text
    assert "1家网站存在空白栏目问题" in text
    assert "链接不可用涉及2家网站（7处）" in text
    assert "（一）立即整改突出问题。" in text


def test_charts_and_attachments_are_placed_and_numbered(document) -> None:
    charts = [b.name for s in document.sections for b in s.blocks if isinstance(b, ChartRef)]
    assert charts == ["trend", "pass_rate", "problem_types"]
    assert set(document.charts) == set(charts)
    assert [(a.label, a.title) for a in document.attachments] == [
        ("附件1", "检查网站名单"), ("附件2", "各类别统计"), ("附件3", "存在突出问题的网站名单"),
        ("附件4", "我为政府网站找错留言办理情况")]
    assert document.attachment_lines[0] == "附件：1．检查网站名单"
    assert document.attachment_lines[3] == "4．我为政府网站找错留言办理情况"
    problems = document.attachments[2].table
    assert problems.columns == ("序号", "网站名称", "网站标识码", "存在的突出问题")
    assert problems.rows[1][1:] == ("西城街道办事处网站", "1101050002", "首页长期未更新、空白栏目（3处）")
    assert problems.rows[2][3] == "综合得分58分，低于合格分数线"


def test_absent_data_leaves_its_sentences_out() -> None:
    document = render(minimal_data())
    text = body(document)
    for absent in ("优秀网站", "良好网站", "排名", "进步幅度", "较2026年第二季度", "个季度合格率", "整改复核",
                   "自查", "收到网民留言", "平均得分"):
        assert absent not in text, absent
    assert [a.title for a in document.attachments] == ["检查网站名单", "各类别统计", "存在突出问题的网站名单"]
    assert document.attachments[1].table.columns == ("类别", "检查数", "合格数", "合格率")
    assert document.ranking is None
    assert "trend" not in document.charts
    assert "总体合格率为72.7%" in text  # the census part is still all there


def test_a_centres_file_overrides_the_wording(tmp_path: Path) -> None:
    custom = tmp_path / "centre.yaml"
    custom.write_text(
        'title: "{{ issuer }}关于{{ period_zh }}网站抽查情况的通报"\n'
        "sections:\n  requirements:\n    heading: 三、工作要求\n"
        'problem_types:\n  "content.typo": 文字差错\n',
        encoding="utf-8",
    )
    document = render(layer_path=custom)
    assert document.title == "海德区政府网站管理中心关于2026年第三季度网站抽查情况的通报"
    assert document.sections[2].heading == "三、工作要求"
    assert "文字差错涉及2家网站" in body(document)
    assert document.sections[0].heading == "一、总体情况"  # untouched keys keep the bundled text
    assert render(settings=replace(SETTINGS, title="特别通报")).title == "特别通报"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("titel: x\n", "未知的键 titel"),
        ("sections:\n  overview:\n    paragraphs:\n      census:\n        txt: x\n",
         "未知的键 sections.overview.paragraphs.census.txt"),
        ("sections:\n  overview:\n    paragraphs:\n      census:\n        needs: [weather]\n",
         "未知的条件 weather"),
        ("opening: '{% if %}'\n", "opening 模板有误"),
        ("labels: 1\n", "labels 应为键值映射"),
        ("- a\n", "顶层应为键值映射"),
    ],
)
def test_bad_text_layer_files_fail_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TextLayerError, match=message):
        load_text_layer(path)


def test_undefined_names_fail_at_render(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("opening: '{{ sites_chekced }}'\n", encoding="utf-8")
    with pytest.raises(TextLayerError, match="opening 渲染失败.*sites_chekced"):
        render(layer_path=path)


def test_a_template_that_prints_none_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "none.yaml"
    path.write_text("opening: '评估方案：{{ evaluation }}'\n", encoding="utf-8")
    with pytest.raises(PlaceholderError, match="None"):
        render(minimal_data(), layer_path=path)


@pytest.mark.parametrize(
    "text", ["合格率{{ x }}", "见附件}}", "得分None分", "得分nan分", "XX街道", "【待填】", "{% if %}"]
)
def test_placeholders_are_caught(text: str) -> None:
    with pytest.raises(PlaceholderError):
        assert_no_placeholders(text, "test")


@pytest.mark.parametrize("text", ["海南省hainan.gov.cn", "Nanjing", "NoneSuch", "—"])
def test_ordinary_text_is_not_a_placeholder(text: str) -> None:
    assert_no_placeholders(text)


def test_the_rendered_document_has_no_placeholder(document) -> None:
    texts = list(document.texts())
    assert len(texts) > 100
    for where, text in texts:
        assert_no_placeholders(text, where)


def test_run_in_headings_are_numbered_in_print_order_without_gaps() -> None:
    for data in (full_data(), minimal_data()):
        for section in render(data).sections:
            numbered = [b.heading for b in section.blocks if isinstance(b, Paragraph) and b.heading]
            numerals = "一二三四五六七八九十"
            assert [h[:3] for h in numbered] == [f"（{numerals[i]}）" for i in range(len(numbered))]
