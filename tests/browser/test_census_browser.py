"""`govsite census --browser` from the command line on two demo-fleet sites in real Chromium.

The fleet is served on 127.0.0.1 by this test process; the census runs as a user runs it, in
a subprocess with `--resolve`. What must hold: the sample (home, each column, articles), the
home capture, a capture with URL and time of the page behind each veto finding, shown in
report.html next to the veto and kept in the store so an offline rescore shows it again.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from govsite.fleet.generate import build_fleet, write_fleet
from govsite.fleet.server import FleetServer
from govsite.report.json_report import validate_results
from govsite.rules.pages import ROLE_ARTICLE, ROLE_COLUMN, page_role
from govsite.store.store import Store

AS_OF = date(2026, 11, 23)
# A site vetoed (a serious wording error, an incomplete 办事指南) and one with no veto.
FAILING = "1101050003"
CLEAN = "4401060001"


def govsite(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "govsite", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_census_browser_captures_the_pages_behind_vetoes(tmp_path: Path) -> None:
    fleet = build_fleet(as_of=AS_OF, n_sites=12)
    files = write_fleet(fleet, tmp_path / "fleet")
    with files["sites"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    registry = tmp_path / "two.csv"
    with registry.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(r for r in rows if r["网站标识码"] in (FAILING, CLEAN))
    db = f"sqlite:///{tmp_path / 'census.db'}"
    with FleetServer(fleet) as server:
        args = ["census", "--sites", str(registry), "--as-of", AS_OF.isoformat(), "--db", db,
                "--out", str(tmp_path / "out"), "--browser", "--browser-pages", "6",
                "--no-security", "--host-interval", "0"]
        for spec in server.resolve_args():
            args += ["--resolve", spec]
        proc = govsite(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    results = json.loads((tmp_path / "out/results.json").read_text(encoding="utf-8"))
    validate_results(results)
    by_code = {s["site_code"]: s for s in results["sites"]}
    assert by_code[FAILING]["vetoes"] and not by_code[CLEAN]["vetoes"]
    assert "evidence_screenshots" not in json.dumps(results)  # pictures stay out of the contract

    store = Store(db)
    snaps = {s.site.site_code: s for s in store.iter_snapshots(results["run_id"])}
    failing = snaps[FAILING]
    rec = failing.browser
    assert rec is not None and rec["error"] is None, rec
    sampled = {p.final_url: p for p in failing.pages}
    roles = [page_role(sampled[p["url"]], failing) for p in rec["pages"]]
    assert rec["pages"][0]["url"] == failing.home.final_url and len(roles) == 6
    assert ROLE_COLUMN in roles and all(r in ("home", ROLE_COLUMN, ROLE_ARTICLE) for r in roles)
    assert rec["screenshot"]["url"] == failing.home.final_url and rec["screenshot"]["taken_at"]

    # Evidence: every capture is of a page a veto finding names, with time and a real JPEG.
    veto_urls = {u for f in by_code[FAILING]["findings"] if f["rule"] in by_code[FAILING]["vetoes"]
                 for u in (f["url"], f.get("target")) if u}
    shots = rec["evidence"]
    assert 1 <= len(shots) <= 5 and {s["url"] for s in shots} <= veto_urls
    for shot in shots:
        taken = datetime.fromisoformat(shot["taken_at"])
        assert abs((datetime.now(UTC) - taken).total_seconds()) < 600
        assert base64.b64decode(shot["data"])[:3] == b"\xff\xd8\xff" and shot["status"] == 200
    assert "evidence" not in (snaps[CLEAN].browser or {}) or not snaps[CLEAN].browser["evidence"]

    report = (tmp_path / "out/report.html").read_text(encoding="utf-8")
    assert report.count("取证截图：") == len(shots) and "截图时间" in report
    assert shots[0]["url"] in report

    # Offline rescore shows the same captures, from the store.
    again = govsite("rescore", "--db", db, "--out", str(tmp_path / "again"), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    rescored = (tmp_path / "again/report.html").read_text(encoding="utf-8")
    assert rescored.count("取证截图：") == len(shots)
