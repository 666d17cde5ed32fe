"""Self-check verification: reading sheets and results.json, agreement, and the conclusion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from govsite.evaluate.selfcheck import (
    CONCLUSION_OK,
    SelfDeclaration,
    compare_selfcheck,
    load_selfcheck,
)
from govsite.evaluate.sources import SheetError
from govsite.findings import NotMeasuredNote
from govsite.report.json_report import write_results_json
from govsite.results import RunResults, SiteResult
from govsite.sites import Site


def site(n: int, **kw: str) -> Site:
    return Site(name=f"网站{n}", site_code=f"31010100{n:02d}", url=f"http://s{n}.gov.cn/",
                owner=f"单位{n}", **kw)


def census(n: int, verdict: str, score: float | None = None, **kw: str) -> SiteResult:
    score = score if score is not None or verdict == "not_measured" else (85.0 if verdict == "pass" else 40.0)
    notes = [NotMeasuredNote("site", "超时")] if verdict == "not_measured" else []
    return SiteResult(site=site(n, **kw), verdict=verdict, score=score, measured_score=score,
                      not_measured=notes)


def declare(n: int, verdict: str, score: float | None = None) -> SelfDeclaration:
    return SelfDeclaration(f"31010100{n:02d}", verdict, score)


def test_sheet_accepts_chinese_and_english_verdicts(tmp_path: Path) -> None:
    path = tmp_path / "self.csv"
    path.write_bytes("网站标识码,网站名称,自查结论,自查得分\r\n3101010001,甲,合格,92\r\n"
                     "3101010002,乙,不合格,\r\n3101010003,丙,PASS,\r\n3101010004,丁,fail,55.5\r\n"
                     .encode("gbk"))
    assert load_selfcheck(path) == [
        SelfDeclaration("3101010001", "pass", 92.0, "甲"), SelfDeclaration("3101010002", "fail", None, "乙"),
        SelfDeclaration("3101010003", "pass", None, "丙"), SelfDeclaration("3101010004", "fail", 55.5, "丁")]


def test_sheet_errors_are_all_located(tmp_path: Path) -> None:
    book = Workbook()
    for row in [["自查结论", "网站标识码", "自查得分"], ["基本合格", 3101010001, None],
                ["合格", 3101010002, -3], ["合格", 3101010002, 90], ["合格", 3101010003, "很好"]]:
        book.active.append(row)
    path = tmp_path / "self.xlsx"
    book.save(path)
    with pytest.raises(SheetError) as exc:
        load_selfcheck(path)
    assert [(e.line, e.column, e.header) for e in exc.value.errors] == [
        (2, "A", "自查结论"), (3, "C", "自查得分"), (4, "B", "网站标识码"), (5, "C", "自查得分")]
    assert "合格、不合格" in exc.value.errors[0].reason
    assert str(path) in str(exc.value)


def test_results_json_is_read_by_verdict_and_score(tmp_path: Path) -> None:
    run = RunResults(profile="gb2019", as_of="2026-09-01", generated_at="2026-09-01T10:00:00+08:00",
                     sites=[census(1, "pass", 91.5), census(2, "fail", 70.0), census(3, "not_measured")])
    path = tmp_path / "results.json"
    write_results_json(run, path)
    # A site the unit could not judge declared nothing.
    assert load_selfcheck(path) == [SelfDeclaration("3101010001", "pass", 91.5, "网站1"),
                                    SelfDeclaration("3101010002", "fail", 70.0, "网站2")]


def test_a_results_json_off_the_contract_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"schema": "govsite.results/1", "sites": []}), encoding="utf-8")
    with pytest.raises(SheetError, match="不符合 results.json 格式") as exc:
        load_selfcheck(path)
    assert all(e.file == str(path) for e in exc.value.errors)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SheetError, match="不是有效的 JSON"):
        load_selfcheck(path)


def test_all_agree_gives_the_accurate_conclusion() -> None:
    results = [census(n, "pass" if n % 3 else "fail") for n in range(1, 11)]
    declared = [declare(n, r.verdict) for n, r in enumerate(results, 1)]
    cmp = compare_selfcheck(declared, results, period="2026Q3", run_id="r1")
    assert (cmp.compared, cmp.agreed, cmp.agreement_rate) == (10, 10, 1.0)
    assert cmp.conclusion_zh == CONCLUSION_OK == "经复核，自查情况整体真实准确。"


def test_ninety_percent_with_a_stricter_unit_is_still_accurate() -> None:
    results = [census(n, "pass") for n in range(1, 11)]
    declared = [declare(n, "pass") for n in range(1, 10)] + [declare(10, "fail")]
    cmp = compare_selfcheck(declared, results, period="2026Q3", run_id="r1")
    assert (cmp.agreement_rate, cmp.said_fail_census_pass, cmp.said_pass_census_fail) == (
        0.9, ["3101010010"], [])
    assert cmp.conclusion_zh == CONCLUSION_OK


def test_a_hidden_failure_spoils_the_conclusion_whatever_the_rate() -> None:
    results = [census(n, "pass") for n in range(1, 10)] + [census(10, "fail")]
    declared = [declare(n, "pass") for n in range(1, 11)]
    cmp = compare_selfcheck(declared, results, period="2026Q3", run_id="r1")
    assert cmp.said_pass_census_fail == ["3101010010"]
    assert cmp.conclusion_zh == "经复核，自查结论与复核结果的一致率为90.0%，其中1个网站自查合格但复核不合格。"


def test_low_agreement_reports_the_rate_with_one_decimal() -> None:
    results = [census(1, "pass"), census(2, "fail"), census(3, "fail")]
    declared = [declare(1, "pass"), declare(2, "fail"), declare(3, "pass")]
    cmp = compare_selfcheck(declared, results, period="2026Q3", run_id="r1", agreement_threshold=0.5)
    assert cmp.conclusion_zh.endswith("一致率为66.7%，其中1个网站自查合格但复核不合格。")
    cmp = compare_selfcheck(declared[:2] + [declare(3, "fail")], results[:2] + [census(3, "pass")],
                            period="2026Q3", run_id="r1", agreement_threshold=0.9)
    assert cmp.conclusion_zh == "经复核，自查结论与复核结果的一致率为66.7%，其中0个网站自查合格但复核不合格。"


def test_unmeasured_missing_closed_and_unsampled_sites() -> None:
    results = [census(1, "pass"), census(2, "not_measured"), census(3, "fail"),
               census(4, "not_measured", status="closed"),
               census(5, "fail", parent="3101010001")]
    declared = [declare(1, "pass", 90.0), declare(2, "pass"), declare(4, "pass"), declare(5, "fail"),
                declare(9, "pass")]  # site 9 was not sampled: not compared
    cmp = compare_selfcheck(declared, results, period="2026Q3", run_id="r1")
    assert [(r.site_code[-1], r.agree) for r in cmp.rows] == [("1", True), ("2", None), ("5", True)]
    assert (cmp.compared, cmp.agreed, cmp.missing) == (2, 2, ["3101010003"])
    assert cmp.rows[0].self_score == 90.0 and cmp.rows[0].census_score == 85.0
    assert cmp.rows[2].unit == "单位1"  # a sub-site belongs to its parent's unit
    assert (cmp.period, cmp.run_id) == ("2026Q3", "r1")


def test_nothing_to_compare() -> None:
    cmp = compare_selfcheck([], [census(1, "pass")], period="2026Q3", run_id="r1")
    assert (cmp.agreement_rate, cmp.missing) == (None, ["3101010001"])
    assert cmp.conclusion_zh == "经复核，没有可与自查结论比对的网站。"
