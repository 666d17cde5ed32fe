"""`census --resume` in one process: a killed census is finished from the store alone.

The fleet is served on 127.0.0.1 and its request log is the witness: a site whose result was
stored before the resume must not receive a single request after it.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from govsite.census import resume_census
from govsite.collect import CollectSettings
from govsite.collect.urls import host_of
from govsite.fleet.model import Fleet
from govsite.profile import load_profile
from govsite.registry import load_registry
from govsite.store.models import RUN_FAILED, RUN_FINISHED, RUN_RUNNING
from govsite.store.store import Store
from govsite.work.runplan import load_plan, run_options
from govsite.work.runstate import count_done, done_codes
from work.cluster import (
    AS_OF,
    TimedFleetServer,
    govsite_process,
    govsite_run,
    kill,
    outcome,
    requests_after,
    wait_for,
)
from work.conftest import RESUME_CODES, census_args


def check_resumed(store: Store, run_id: str, server: TimedFleetServer, resumed_at: float,
                  done_before: set[str], baseline: dict[str, Any]) -> None:
    """One result per site, none collected again once stored, findings as if never killed."""
    info = store.get_run(run_id)
    assert info is not None and info.status == RUN_FINISHED
    results = store.load_site_results(run_id, info.profile)
    assert sorted(r.site.site_code for r in results) == sorted(RESUME_CODES)
    after = requests_after(server.request_log, resumed_at)
    hosts = {r.site.site_code: host_of(r.site.url) for r in results}
    assert {code: after[hosts[code]] for code in done_before} == dict.fromkeys(done_before, 0)
    assert outcome(results) == baseline


def test_a_census_killed_mid_run_is_finished_by_resume(
        fleet: tuple[Fleet, Path], fleet_server: TimedFleetServer,
        baseline: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    _, registry = fleet
    db = f"sqlite:///{tmp_path / 'govsite.db'}"
    log = tmp_path / "census.log"
    with Store(db) as store:
        store.migrate()
        # Three sites at a time, so that results arrive a few at once and the kill falls between.
        args = census_args(fleet_server, registry, db, tmp_path / "out") + ["--site-concurrency", "3"]
        census = govsite_process(args, log, tmp_path)

        def some_done() -> bool:
            run = store.latest_run()
            return run is not None and count_done(store, run.id, run.profile) > 0

        wait_for("a first stored result", some_done, 180, [census], [log])
        kill(census)
        run = store.latest_run()
        assert run is not None and run.status == RUN_RUNNING
        done_before = done_codes(store, run.id, run.profile)
        assert 0 < len(done_before) < len(RESUME_CODES)

        resumed_at = time.monotonic()
        resume = govsite_run(["census", "--resume", run.id, "--db", db], tmp_path)
        seconds = time.monotonic() - resumed_at
        assert resume.returncode == 0, resume.stdout + resume.stderr
        check_resumed(store, run.id, fleet_server, resumed_at, done_before, baseline[0])
        after = requests_after(fleet_server.request_log, resumed_at)
        assert all(after[host_of(s.url)] for s in load_plan(store, run.id).sites
                   if s.site_code not in done_before)
    assert (tmp_path / "out" / "results.json").is_file()
    print(f"\nlocal resume: {len(done_before)}/{len(RESUME_CODES)} sites done at the kill, "
          f"the rest audited and reported in {seconds:.1f} s")


def test_a_site_stored_without_its_result_is_audited_again(
        fleet_server: TimedFleetServer, baseline: tuple[dict[str, Any], Path],
        tmp_path: Path) -> None:
    """A kill between a site's snapshot and its result leaves the site not done: a resume
    collects it again (and only it), even when the run was closed as failed."""
    db = tmp_path / "govsite.db"
    shutil.copy(baseline[1], db)
    with Store(f"sqlite:///{db}") as store:
        run = store.latest_run()
        assert run is not None
        half_done = "1101050004"
        with store.engine.begin() as connection:  # what a kill between the two writes leaves
            connection.exec_driver_sql(
                "delete from results where run_id = ? and site_code = ?", (run.id, half_done))
        store.finish_run(run.id, RUN_FAILED)
        assert half_done not in done_codes(store, run.id, run.profile)
        store.load_snapshot(run.id, half_done)  # its snapshot is still there

        plan = load_plan(store, run.id, out=tmp_path / "out")
        resumed_at = time.monotonic()
        again = resume_census(plan, run.id)
        after = requests_after(fleet_server.request_log, resumed_at)
        assert {host_of(s.url) for s in plan.sites if after[host_of(s.url)]} == {"rsj.hdq.gov.cn"}
        assert outcome(again.sites) == baseline[0]
        assert store.get_run(run.id).status == RUN_FINISHED


def test_the_run_options_rebuild_the_same_plan(fleet: tuple[Fleet, Path], tmp_path: Path) -> None:
    """What `census` records is enough to rebuild the very same plan (no network needed)."""
    _, registry = fleet
    settings = CollectSettings(resolve=("www.hdq.gov.cn=127.0.0.1:9",), max_pages=7,
                               host_interval_s=0.3, host_overrides={"a.gov.cn": {"concurrency": 1}})
    with Store(f"sqlite:///{tmp_path / 'govsite.db'}") as store:
        store.migrate()
        sites = load_registry(registry).sites
        run_id = store.create_run(profile="gb2019", as_of=AS_OF, options=run_options(
            profile="gb2019", settings=settings, columns=None, lexicons=[], probes=None,
            out=tmp_path / "out"))
        store.add_sites(run_id, sites)
        plan = load_plan(store, run_id)
    assert plan.settings == settings
    assert plan.sites == sites and plan.as_of == AS_OF
    assert plan.profile == load_profile("gb2019") and plan.out == tmp_path / "out"
