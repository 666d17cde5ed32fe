"""Store round trips on SQLite and PostgreSQL: runs, snapshots, results."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govsite.findings import Finding, NotMeasuredNote
from govsite.results import Deduction, SiteResult
from govsite.sites import Site
from govsite.snapshot import Link, LinkCheck, Page, SiteSnapshot
from govsite.store import RUN_FAILED, RUN_FINISHED, RUN_RUNNING, Store
from govsite.store.models import Blob

SITE = Site(
    name="北京市朝阳区人民政府",
    site_code="1101050001",
    url="http://www.bjchy.gov.cn/",
    owner="朝阳区人民政府",
    category="区政府",
    kind="portal",
    source_line=2,
)
OTHER = Site(
    name="朝阳区教委",
    site_code="1101050002",
    url="http://jw.bjchy.gov.cn/",
    kind="department",
    parent="1101050001",
    source_line=3,
)


def make_snapshot(site: Site = SITE, *, title: str = "首页 - 朝阳区") -> SiteSnapshot:
    home = Page(
        url=site.url,
        final_url=site.url,
        status=200,
        fetched_at="2026-11-23T10:00:00+08:00",
        headers={"Content-Type": "text/html; charset=gbk"},
        content_type="text/html",
        charset="gbk",
        html=f"<html><title>{title}</title><a href='/zwgk/'>政务公开</a></html>",
        title=title,
        meta={"SiteIDCode": site.site_code},
        links=[Link(url=site.url + "zwgk/", raw="/zwgk/", text="政务公开")],
    )
    article = Page(
        url=site.url + "zwgk/",
        final_url=site.url + "zwgk/",
        status=404,
        fetched_at="2026-11-23T10:00:01+08:00",
        depth=1,
        referrer=site.url,
    )
    return SiteSnapshot(
        site=site,
        fetched_at="2026-11-23T10:00:00+08:00",
        home=home,
        pages=[home, article],
        checks={site.url + "zwgk/": LinkCheck(url=site.url + "zwgk/", ok=False, status=404)},
        notes=["页面数达到上限"],
        stats={"seconds": 1.5},
    )


def make_result(site: Site = SITE, *, findings: int = 2) -> SiteResult:
    found = [
        Finding(
            rule="links.broken_home",
            url=site.url,
            target=f"{site.url}old{i}.html",
            detail="HTTP 404（页面不存在）",
            evidence={"status": 404, "上下文": "旧栏目"},
        )
        for i in range(findings)
    ]
    return SiteResult(
        site=site,
        verdict="fail",
        score=86.5,
        measured_score=86.5,
        bonus=0.5,
        vetoes=["column.stale"],
        deductions=[
            Deduction(
                rule="links.broken_home",
                points=2.0,
                count=findings,
                indicator="links",
                indicator_zh="链接可用性",
                findings=tuple(range(findings)),
            )
        ],
        findings=found,
        not_measured=[NotMeasuredNote(what="availability", why="无可用性监测数据")],
        stats={"pages": 2, "links": 1, "seconds": 1.5},
    )


FACTS = {
    "home": {
        "items": 24,
        "dated_items": 20,
        "newest": "2026-11-20",
        "newest_title": "区政府召开常务会议",
        "newest_url": "http://www.bjchy.gov.cn/xwzx/1.html",
        "navigation_only": False,
        "age_days": 3,
        "allowed_days": 14,
        "status": "ok",
    },
    "columns": [
        {
            "name": "通知公告",
            "url": "http://www.bjchy.gov.cn/tzgg/",
            "type": "通知公告",
            "level": 1,
            "pages": 2,
            "items": 40,
            "dated_items": 40,
            "newest": "2026-09-01",
            "allowed": "14天",
            "age_days": 83,
            "status": "stale",
        },
        {"name": "专题", "url": "http://www.bjchy.gov.cn/zt/", "newest": None, "status": "blank"},
    ],
    "messages": {"channels": [], "total": 10, "median_days": 4.5, "share_over_30d": 0.125},
    "guides": [{"url": "http://x/", "title": "指南", "present": ["办理时限"], "missing": []}],
    "search": {"found": True, "status": 200, "error": None, "hits": False},
}


def test_run_lifecycle(store: Store) -> None:
    assert store.latest_run() is None and store.list_runs() == []
    first = store.create_run(profile="gb2019", as_of="2026-11-23", options={"resolve": ["a=b"]})
    second = store.create_run(profile="gb2015", as_of=date(2026, 11, 1), options={})
    info = store.get_run(first)
    assert info is not None
    assert (info.profile, info.as_of, info.status, info.options) == (
        "gb2019",
        date(2026, 11, 23),
        RUN_RUNNING,
        {"resolve": ["a=b"]},
    )
    assert info.started_at.tzinfo is not None and info.finished_at is None
    assert [r.id for r in store.list_runs()] == [second, first]

    store.add_sites(first, [SITE, OTHER])
    store.save_snapshot(first, make_snapshot())
    store.save_snapshot(first, replace(make_snapshot(OTHER), blocked="waf"))
    store.save_result(first, "gb2019", make_result())
    store.finish_run(first)
    done = store.get_run(first)
    assert done is not None and done.status == RUN_FINISHED
    assert done.finished_at is not None and done.finished_at >= done.started_at
    assert done.counts == {
        "sites": 2,
        "snapshots": 2,
        "blocked": 1,
        "verdicts": {"gb2019": {"fail": 1}},
    }
    assert store.latest_run().id == second  # type: ignore[union-attr]
    assert store.latest_run(status=RUN_FINISHED).id == first  # type: ignore[union-attr]
    assert store.get_run("nope") is None


def test_run_errors(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    with pytest.raises(ValueError):
        store.finish_run(run, "done")
    with pytest.raises(KeyError):
        store.finish_run("nope", RUN_FAILED)
    with pytest.raises(KeyError):
        store.add_sites("nope", [SITE])
    with pytest.raises(KeyError):
        store.save_snapshot("nope", make_snapshot())


def test_snapshot_round_trip_keeps_every_byte_of_evidence(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    snapshot = make_snapshot()
    sha = store.save_snapshot(run, snapshot)  # the site row is added on the way
    assert sha == hashlib.sha256(snapshot.dumps()).hexdigest()
    loaded = store.load_snapshot(run, SITE.site_code)
    assert loaded.to_json() == snapshot.to_json()
    assert loaded.home is loaded.pages[0] and loaded.home.title == "首页 - 朝阳区"
    assert loaded.site == SITE
    with pytest.raises(KeyError):
        store.load_snapshot(run, OTHER.site_code)


def test_identical_snapshots_are_stored_once(store: Store) -> None:
    runs = [store.create_run(profile="gb2019", as_of="2026-11-23") for _ in range(2)]
    shas = {store.save_snapshot(run, make_snapshot()) for run in runs}
    changed = store.save_snapshot(runs[1], make_snapshot(title="新标题"))
    assert len(shas) == 1 and changed not in shas
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Blob)) == 2
    assert store.load_snapshot(runs[1], SITE.site_code).home.title == "新标题"  # type: ignore[union-attr]
    assert store.load_snapshot(runs[0], SITE.site_code).home.title == "首页 - 朝阳区"  # type: ignore[union-attr]


def test_iter_snapshots_in_registry_order(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    store.add_sites(run, [OTHER, SITE])
    store.save_snapshot(run, make_snapshot(OTHER))
    store.save_snapshot(run, make_snapshot(SITE))
    assert [s.site.site_code for s in store.iter_snapshots(run)] == ["1101050001", "1101050002"]
    assert list(store.iter_snapshots("nope")) == []


def test_result_round_trip_is_the_results_json_shape(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    store.add_sites(run, [SITE, OTHER])
    passing = SiteResult(site=OTHER, verdict="not_measured", score=None, measured_score=92.0)
    store.save_result(run, "gb2019", passing)
    store.save_result(run, "gb2019", make_result())
    assert store.load_results(run, "gb2019") == [make_result().to_json(), passing.to_json()]
    assert store.load_results(run, "gb2015") == []


def test_result_facts_round_trip(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    store.save_result(run, "gb2019", replace(make_result(), facts=FACTS))
    store.save_result(run, "gb2019", replace(make_result(OTHER), facts={}))
    (with_facts,) = store.load_site_results(run, "gb2019")[:1]
    assert with_facts.facts == FACTS
    assert [r["facts"] for r in store.load_results(run, "gb2019")] == [FACTS, {}]
    store.save_result(run, "gb2019", replace(make_result(), facts={"search": {"found": False}}))
    assert store.load_results(run, "gb2019")[0]["facts"] == {"search": {"found": False}}


def test_resaving_a_result_replaces_it_and_other_profiles_stay(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    store.save_result(run, "gb2019", make_result(findings=3))
    store.save_result(run, "gb2015", make_result(findings=1))
    store.save_result(run, "gb2019", make_result(findings=2))
    (gb2019,) = store.load_results(run, "gb2019")
    (gb2015,) = store.load_results(run, "gb2015")
    assert [f["target"] for f in gb2019["findings"]] == [
        "http://www.bjchy.gov.cn/old0.html",
        "http://www.bjchy.gov.cn/old1.html",
    ]
    assert gb2019["deductions"][0]["findings"] == [0, 1]
    assert len(gb2015["findings"]) == 1


def test_concurrent_writers_from_threads(store: Store) -> None:
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    sites = [replace(SITE, site_code=f"11010500{i:02d}", source_line=i) for i in range(1, 25)]

    def work(site: Site) -> None:
        store.save_snapshot(run, make_snapshot(site))
        store.save_result(run, "gb2019", make_result(site))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, sites))
    assert len(store.load_results(run, "gb2019")) == len(sites)
    assert [s.site.site_code for s in store.iter_snapshots(run)] == [s.site_code for s in sites]


def test_identical_snapshots_saved_concurrently_share_one_blob(store: Store) -> None:
    runs = [store.create_run(profile="gb2019", as_of="2026-11-23") for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        shas = set(pool.map(lambda run: store.save_snapshot(run, make_snapshot()), runs))
    assert len(shas) == 1
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Blob)) == 1


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/deep/er/store.db") as store:
        store.migrate()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("pragma foreign_keys").scalar() == 1


def test_runs_belong_to_the_period_named_at_census_else_to_their_quarter(store: Store) -> None:
    q3 = store.create_run(profile="gb2019", as_of=date(2026, 9, 30))
    named = store.create_run(profile="gb2019", as_of=date(2026, 10, 8),
                             options={"period": "2026Q3"})  # a late Q3 check, in October
    q4 = store.create_run(profile="gb2019", as_of=date(2026, 11, 23))
    unfinished = store.create_run(profile="gb2019", as_of=date(2026, 11, 24))
    for run_id in (q3, named, q4):
        store.finish_run(run_id)
    assert set(store.period_run_ids("2026Q3")) == {q3, named}
    assert store.period_run_ids("2026Q4") == [q4]
    assert store.period_run_ids("2026Q4", finished_only=False) == [unfinished, q4]
    assert store.periods() == ["2026Q3", "2026Q4"]
    with pytest.raises(ValueError, match="unknown period record kind"):
        store.save_record("2026Q4", "nonsense", {})
    assert store.load_record("2026Q4", "sample") is None
