"""`govsite demo`: a centre's quarter on the bundled demo fleet, end to end, on loopback.

Two quarters, so that every part of the evaluation has something to show: last quarter's
census of the fleet as generated, then this quarter's census of the same fleet after a few
units repaired their sites (`fleet.repair`), a rectification re-check of last quarter's
findings, a census-only evaluation of both quarters (grades, ranks, progress), and the 通报
in Word, Excel and HTML. Everything is served by `FleetServer` on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from govsite.census import CensusPlan, Progress, run_census
from govsite.collect import CollectSettings
from govsite.evaluate.evalprofile import load_eval_profile
from govsite.evaluate.evaluation import evaluate
from govsite.evaluate.flow import circular_data, period_census
from govsite.evaluate.model import Recheck
from govsite.evaluate.period import period_bounds, period_of, previous_period
from govsite.evaluate.recheck import run_recheck
from govsite.fleet.generate import build_fleet, write_fleet
from govsite.fleet.server import FleetServer
from govsite.probes import load_probes_csv
from govsite.profile import load_profile
from govsite.registry import load_registry
from govsite.report.circular.data import CircularSettings
from govsite.report.circular.writer import write_circular
from govsite.results import RunResults
from govsite.store.period_store import KIND_EVALUATION, KIND_RECHECK
from govsite.store.store import Store

ProgressFactory = Callable[[str, int], AbstractContextManager[Progress]]

# Units that rectified their sites between the two quarters (content sites whose defects the
# fleet knows how to repair): their findings are 已整改 at the re-check.
DEMO_REPAIRED = ("1101050003", "1101050006", "1101050009")
DEMO_ISSUER = "海德区政府网站管理中心"
DEMO_RECIPIENTS = "各街道办事处，区政府各委、办、局"


@dataclass
class DemoOutcome:
    """What the demo produced: this quarter's run, the re-check and the files written."""

    run: RunResults
    previous_run_id: str
    recheck: Recheck
    files: dict[str, Path]


def previous_day(day: date) -> date:
    """The same point one quarter earlier, clamped into the previous quarter."""
    last = period_bounds(previous_period(period_of(day)))[1]
    return min(day - timedelta(days=91), last)


def _census(store: Store, day: date, out: Path, repaired: tuple[str, ...], n_sites: int,
            browser: bool, progress: ProgressFactory) -> tuple[RunResults, dict[str, Path]]:
    fleet = build_fleet(as_of=day, n_sites=n_sites, repaired=repaired)
    files = write_fleet(fleet, out / "fleet")
    loaded = load_registry(files["sites"], strict=True)
    with FleetServer(fleet) as server:
        settings = dataclasses.replace(CollectSettings(), resolve=tuple(server.resolve_args()),
                                       host_interval_s=0.02, host_concurrency=4, browser=browser)
        plan = CensusPlan(sites=loaded.sites, profile=load_profile("gb2019"), as_of=day,
                          store=store, settings=settings, out=out,
                          probes=load_probes_csv(files["probes"]),
                          options={"demo": True, "period": period_of(day)})
        label = f"{period_of(day)} 普查（监测时间点 {day}，{len(fleet.sites)} 个站点）"
        with progress(label, len(plan.sites)) as bar:
            run = run_census(plan, bar)
    return run, files


def run_demo(out: Path, day: date, *, n_sites: int, browser: bool,
             progress: ProgressFactory) -> DemoOutcome:
    """Both quarters, the re-check, the evaluations and the 通报, into `out`."""
    db_path = out / "govsite.db"
    db_path.unlink(missing_ok=True)
    store = Store(f"sqlite:///{db_path}")
    store.migrate()
    before = previous_day(day)
    previous, _ = _census(store, before, out / "previous", (), n_sites, browser, progress)
    # The units repair their sites after last quarter's 通报 and the centre re-checks them
    # then, on the same pages (the generated fleet's addresses depend on its date).
    repaired = build_fleet(as_of=before, n_sites=n_sites, repaired=DEMO_REPAIRED)
    with FleetServer(repaired) as server:
        settings = dataclasses.replace(CollectSettings(), resolve=tuple(server.resolve_args()),
                                       host_interval_s=0.02, host_concurrency=4)
        recheck = run_recheck(store, previous.run_id, load_profile("gb2019"), settings,
                              as_of=before)
    store.save_record(period_of(day), KIND_RECHECK, recheck.to_json(), key=previous.run_id)
    run, files = _census(store, day, out, DEMO_REPAIRED, n_sites, browser, progress)

    profile = load_eval_profile("census")
    last_evaluation = None
    for period in (period_of(before), period_of(day)):
        census = period_census(store, period)
        last_evaluation = evaluate(census.results, profile, {}, period=period,
                                   run_id=census.run_id, previous=last_evaluation)
        store.save_record(period, KIND_EVALUATION, last_evaluation.to_json(), key=profile.id)

    settings_doc = CircularSettings(issuer=DEMO_ISSUER, recipients=DEMO_RECIPIENTS, sign_date=day)
    written = write_circular(circular_data(store, period_of(day)), settings_doc, out)
    return DemoOutcome(run=run, previous_run_id=previous.run_id, recheck=recheck,
                       files={**files, **written})
