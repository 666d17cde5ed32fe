"""The workbook, opened with openpyxl: one sheet per 附件, numbers stored as numbers."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from govsite.report.circular import assert_no_placeholders, write_circular

from .conftest import SETTINGS, minimal_data, require_cjk_font


@pytest.fixture(scope="module")
def wb(written):
    return load_workbook(written["xlsx"])


def rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def test_sheets(wb) -> None:
    assert wb.sheetnames == [
        "附件1 检查网站名单", "附件2 各类别统计", "附件3 存在突出问题的网站名单",
        "附件4 我为政府网站找错留言办理情况", "评估排名", "图表",
    ]
    for ws in wb.worksheets[:-1]:
        assert ws.freeze_panes == "A2"
        for cell in ws[1]:  # every column at least as wide as its header (2 units a character)
            assert ws.column_dimensions[cell.column_letter].width >= 2 * len(cell.value)
    assert wb["附件1 检查网站名单"].column_dimensions["B"].width > 20  # the site names


def test_sites_sheet(wb, expected) -> None:
    header, *body = rows(wb["附件1 检查网站名单"])
    assert header == ("序号", "网站名称", "网站标识码", "主办单位", "单位类别", "得分", "等级/结论")
    assert [r[2] for r in body] == [s.site_code for s in expected.sites]
    assert [r[5] for r in body] == [s.total for s in expected.sites]
    assert all(isinstance(r[0], int) for r in body)
    unmeasured = next(r for r in body if r[1] == "北山街道办事处网站")
    assert (unmeasured[5], unmeasured[6]) == (None, "未完成检测")


def test_category_sheet_numbers_and_percent_format(wb, expected) -> None:
    ws = wb["附件2 各类别统计"]
    header, *body = rows(ws)
    assert header == ("类别", "检查数", "合格数", "合格率", "平均分", "高于平均分", "最低分", "优良率")
    for row, c in zip(body, expected.categories, strict=False):
        assert row[:4] == (c.name, c.checked, c.passed, pytest.approx(c.pass_rate))
        assert row[4] == pytest.approx(c.average)
    total = ("合计", expected.sites_checked, expected.passed, pytest.approx(expected.pass_rate))
    assert body[-1][:4] == total
    assert ws["D2"].number_format == "0.0%"
    assert ws["H2"].number_format == "0.0%"
    assert isinstance(ws["B2"].value, int) and isinstance(ws["D2"].value, float)


def test_problem_and_message_sheets(wb, expected) -> None:
    header, *body = rows(wb["附件3 存在突出问题的网站名单"])
    assert header == ("序号", "网站名称", "网站标识码", "存在的突出问题")
    assert [(r[1], r[2]) for r in body] == [(p.name, p.site_code) for p in expected.problem_sites]
    header, *body = rows(wb["附件4 我为政府网站找错留言办理情况"])
    assert body[-1] == (None, "合计", 6, 4, 3, pytest.approx(0.6), 2, 1)
    health = next(r for r in body if r[1] == "区卫生健康委员会")
    assert health[2:] == (3, 1, 0, 0.0, 2, 0)


def test_ranking_sheet_keeps_ties_and_scores(wb, expected) -> None:
    header, *body = rows(wb["评估排名"])
    assert header == ("排名", "类别内排名", "网站名称", "网站标识码", "单位类别", "普查得分", "专家评议",
                      "总分", "等级", "备注")
    assert [(r[0], r[2], r[9]) for r in body[:4]] == [
        (1, "区教育委员会网站", None), (2, "东城街道办事处网站", None),
        (3, "南湖街道办事处网站", "并列"), (3, "高新区管委会网站", "并列")]
    assert [r[7] for r in body] == [r.total for r in expected.evaluation.ranking]
    assert all(isinstance(r[7], int | float) for r in body if r[7] is not None)
    assert body[-1][0] is None and body[-1][7] is None  # the unscored site: empty, not "—"


def test_charts_sheet_holds_the_pngs(wb) -> None:
    ws = wb["图表"]
    assert len(ws._images) == 3
    assert ws["A1"].value == "图：近3个季度政府网站合格率"


def test_no_placeholder_in_any_cell(wb) -> None:
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert sum(1 for c in cells if c is not None) > 100
    for value in cells:
        if isinstance(value, str):
            assert_no_placeholders(value)


def test_without_an_evaluation_there_is_no_ranking_sheet(tmp_path) -> None:
    require_cjk_font()
    paths = write_circular(minimal_data(), SETTINGS, tmp_path, formats=("xlsx",))
    assert set(paths) == {"xlsx"}
    wb = load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["附件1 检查网站名单", "附件2 各类别统计", "附件3 存在突出问题的网站名单", "图表"]
    assert rows(wb["附件2 各类别统计"])[0] == ("类别", "检查数", "合格数", "合格率")
    assert rows(wb["附件1 检查网站名单"])[1][5] == 92.0  # the census score without an evaluation
