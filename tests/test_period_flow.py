"""A centre's two quarters on the demo fleet, checked against the store from first principles.

`govsite demo` (the session's `demo_out`) censuses last quarter's fleet, re-checks its findings
after three units repaired their sites, censuses this quarter, evaluates both quarters and
writes the 通报. Here every figure the evaluation, the sample plan, the re-check and the Word
and Excel files print is recomputed from the stored census results and compared.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from clirun import run_govsite
from docx import Document

from govsite.demo import DEMO_REPAIRED
from govsite.evaluate.flow import load_evaluation, pass_rate, period_census
from govsite.evaluate.model import RECHECK_FIXED, RECHECK_STATES, Recheck
from govsite.evaluate.period import next_period, period_of, previous_period
from govsite.evaluate.sampling import is_key_site, units_of
from govsite.registry import load_registry
from govsite.results import VERDICT_FAIL, VERDICT_PASS, SiteResult
from govsite.sites import STATUS_RUNNING
from govsite.store.period_store import KIND_RECHECK
from govsite.store.store import Store

TODAY = period_of(date.today())


@pytest.fixture
def demo(demo_out: tuple[Path, str], tmp_path: Path) -> Path:
    """A private copy of the demo's output (these tests add records to its store)."""
    shutil.copytree(demo_out[0] / "demo", tmp_path / "demo")
    return tmp_path / "demo"


def open_store(demo: Path) -> Store:
    store = Store(f"sqlite:///{demo / 'govsite.db'}")
    store.migrate()
    return store


def running(results: list[SiteResult]) -> list[SiteResult]:
    return [r for r in results if r.site.status == STATUS_RUNNING]


def expected_grade(result: SiteResult) -> str | None:
    """The census profile by hand: a veto fails; else 90 / 80 / 60 on the capped score."""
    if result.score is None:
        return "不合格" if result.vetoes else None
    if result.vetoes:
        return "不合格"
    total = min(100.0, max(0.0, result.score))
    return next((g for g, line in (("优秀", 90), ("良好", 80), ("合格", 60)) if total >= line), "不合格")


def test_two_quarters_ranked_with_ties_graded_and_progress_measured(demo: Path) -> None:
    store = open_store(demo)
    assert store.periods() == [previous_period(TODAY), TODAY]
    census = period_census(store, TODAY)
    evaluation = load_evaluation(store, TODAY, "census")
    assert evaluation is not None and evaluation.run_id == census.run_id
    by_code = {s.site.site_code: s for s in evaluation.sites}
    results = running(census.results)
    assert set(by_code) == {r.site.site_code for r in results}

    totals = {r.site.site_code: min(100.0, r.score) for r in results if r.score is not None}
    for code, total in totals.items():
        site = by_code[code]
        assert site.total == round(total, 2)
        # Competition ranking: one more than the number of sites strictly ahead.
        assert site.rank == 1 + sum(1 for t in totals.values() if round(t, 2) > round(total, 2))
    ranks = Counter(s.rank for s in evaluation.sites if s.rank is not None)
    assert max(ranks.values()) >= 2, "the demo fleet has tied totals"
    tied = next(rank for rank, n in ranks.items() if n >= 2)
    assert not any(s.rank == tied + 1 for s in evaluation.sites)  # 1, 2, 2, 4: the next is skipped

    for result in results:
        assert by_code[result.site.site_code].grade == expected_grade(result), result.site.site_code

    for group in evaluation.categories:
        members = [r for r in results if (r.site.category or "其他") == group.name]
        scored = [r for r in members if r.site.site_code in totals]
        good = [r for r in scored if expected_grade(r) in ("优秀", "良好")]
        assert group.sites == len(members) and group.scored == len(scored)
        if scored:
            assert group.excellent_good_rate == pytest.approx(len(good) / len(scored))
            assert group.average == round(sum(totals[r.site.site_code] for r in scored) / len(scored), 2)

    before = load_evaluation(store, previous_period(TODAY), "census")
    assert before is not None and evaluation.previous_period == before.period
    old = {s.site.site_code: s.total for s in before.sites}
    for row in evaluation.progress:
        now, then = by_code[row.site_code].total, old[row.site_code]
        if now is None or then is None:
            assert row.delta is None and not row.notable
            continue
        assert row.delta == pytest.approx(now - then)
        assert row.notable == (row.delta >= 10)
    repaired = {row.site_code: row.delta for row in evaluation.progress if row.site_code in DEMO_REPAIRED}
    assert all(delta > 0 for delta in repaired.values()), repaired


def test_recheck_marks_repairs_fixed_and_never_claims_a_fix_elsewhere(demo: Path) -> None:
    store = open_store(demo)
    ((_, _, previous_run, _),) = store.list_records(TODAY, KIND_RECHECK)
    recheck = Recheck.from_json(store.load_record(TODAY, KIND_RECHECK, previous_run) or {})
    previous = period_census(store, previous_period(TODAY))
    assert previous.run_id == previous_run
    found = sum(len(r.findings) for r in previous.results)
    assert len(recheck.items) == found and sum(recheck.counts.values()) == found
    assert set(recheck.counts) <= set(RECHECK_STATES)
    fixed_sites = {i.site_code for i in recheck.items if i.state == RECHECK_FIXED}
    assert fixed_sites and fixed_sites <= set(DEMO_REPAIRED)
    for item in recheck.items:
        assert item.reason, item
    assert set(recheck.sites_open).isdisjoint(recheck.sites_fixed)


def test_sample_keeps_the_rule_and_is_reproducible(demo: Path, tmp_path: Path) -> None:
    registry = demo / "fleet" / "sites.csv"
    nxt = next_period(TODAY)
    outs = []
    for name in ("a.csv", "b.csv"):
        proc = run_govsite("sample", "--period", nxt, "--sites", str(registry), "--seed", "11",
                           "--rate", "0.3", "--db", f"sqlite:///{demo / 'govsite.db'}",
                           "--out", str(tmp_path / name), cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    sampled = load_registry(tmp_path / "a.csv", strict=True).sites
    codes = {s.site_code for s in sampled}
    sites = load_registry(registry).sites
    live = [s for s in sites if s.status == STATUS_RUNNING]
    units = units_of(sites)
    for unit in set(units[s.site_code] for s in live):
        members = [s for s in live if units[s.site_code] == unit]
        chosen = [s for s in members if s.site_code in codes]
        assert len(chosen) >= math.ceil(0.3 * len(members) - 1e-9), unit
    assert {s.site_code for s in live if is_key_site(s)} <= codes
    failed_now = {r.site.site_code for r in period_census(open_store(demo), TODAY).results
                  if r.verdict == VERDICT_FAIL}
    assert failed_now and failed_now <= codes
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as fh:
        reasons = {row["网站标识码"]: row["抽查原因"] for row in csv.DictReader(fh)}
    assert all(reasons[c] in ("上期不合格", "重点网站") for c in failed_now)


def test_selfcheck_names_the_units_that_said_pass_and_failed(demo: Path, tmp_path: Path) -> None:
    results = running(period_census(open_store(demo), TODAY).results)
    sheet = tmp_path / "自查.csv"
    sheet.write_text("网站标识码,自查结论\n" + "".join(f"{r.site.site_code},合格\n" for r in results),
                     encoding="utf-8")
    proc = run_govsite("selfcheck", "--period", TODAY, str(sheet), "--db",
                       f"sqlite:///{demo / 'govsite.db'}", "--out", str(tmp_path / "sc"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    passed = sum(1 for r in results if r.verdict == VERDICT_PASS)
    failed = [r for r in results if r.verdict == VERDICT_FAIL]
    assert f"一致 {passed} 个" in proc.stdout
    for result in failed:
        assert f"{result.site.name}（{result.site.site_code}）" in proc.stdout
    assert "经复核，自查情况整体真实准确" not in proc.stdout


def test_the_circular_prints_the_stores_figures(demo: Path) -> None:
    store = open_store(demo)
    results = running(period_census(store, TODAY).results)
    rate = pass_rate(results)
    assert rate is not None
    doc = Document(str(demo / f"通报-{TODAY}.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    passed = sum(1 for r in results if r.verdict == VERDICT_PASS)
    failed = {r.site.site_code for r in results if r.verdict == VERDICT_FAIL}
    assert f"合格{passed}家，不合格{len(failed)}家，总体合格率为{rate * 100:.1f}%" in body
    assert "海德区政府网站管理中心" in body and "特此通报" in body
    before = pass_rate(running(period_census(store, previous_period(TODAY)).results))
    assert before is not None and f"（{before * 100:.1f}%）" in body
    assert not re.search(r"\{\{|\}\}|None|XX", body)

    sites_table, categories_table, problems_table = doc.tables[:3]
    assert [c.text for c in problems_table.rows[0].cells][2] == "网站标识码"
    assert {row.cells[2].text for row in problems_table.rows[1:]} == failed

    book = openpyxl.load_workbook(demo / f"通报-{TODAY}.xlsx")
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("附件1"))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    by_code = {r.site.site_code: r for r in results}
    assert {row[2] for row in rows} == set(by_code)
    for row in rows:
        score = by_code[row[2]].score
        if score is not None:
            assert isinstance(row[5], (int, float)) and row[5] == pytest.approx(score)
    categories = next(ws for ws in book.worksheets if ws.title.startswith("附件2"))
    for name, checked, passed_n, *_ in categories.iter_rows(min_row=2, values_only=True):
        members = [r for r in results if (r.site.category or "其他") == name]
        if name == "合计" or not members:
            continue
        assert checked == len(members)  # checked includes a site that could not be measured
        assert passed_n == sum(1 for r in members if r.verdict == VERDICT_PASS)
    assert len(sites_table.rows) == len(rows) + 1 and len(categories_table.rows) >= 2
