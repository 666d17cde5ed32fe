"""`govsite monitor` from the outside: a real process stopped by SIGTERM, then the
status table, export and import — the way an operator uses it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flapping import MODE_503, Outage
from typer.testing import CliRunner

from govsite.cli import app
from govsite.monitor import RealClock
from govsite.store import Store, sqlite_url

CODES = ("1101050001", "1101050002", "1101050003")
HOSTS = [f"www.s{code}.gov.cn" for code in CODES]
# How long the test waits for the process at most; it normally takes about two seconds.
PROCESS_WAIT_S = 30


def write_sites(path: Path) -> Path:
    rows = ["name,site_code,url,owner,category,kind,status"]
    statuses = ("运行", "运行", "关停")
    for code, host, status in zip(CODES, HOSTS, statuses, strict=True):
        rows.append(f"测试网站{code[-1]},{code},http://{host}/,测试单位,区政府部门,部门,{status}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.asyncio
async def test_sigterm_stops_cleanly_and_status_export_import_work(tmp_path: Path, flapping) -> None:
    clock = RealClock()
    down = Outage(datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1), MODE_503)
    server = await flapping(clock, {HOSTS[1]: [down]})
    sites = write_sites(tmp_path / "sites.csv")
    db = sqlite_url(tmp_path / "monitor.db")
    args = ["-m", "govsite", "monitor", "--sites", str(sites), "--db", db, "--interval", "400ms",
            "--confirm-delay", "20ms", "--timeout", "2s", "--down-after", "2"]
    for spec in server.resolve(HOSTS):
        args += ["--resolve", spec]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(sys.executable, *args, env=env,
                                                stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(PROCESS_WAIT_S):
        # Every site seen, and two confirmed failures (four requests) of the one that is down.
        while len({h for h, _ in server.log}) < 3 or len(server.requests_for(HOSTS[1])) < 4:
            await asyncio.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    async with asyncio.timeout(PROCESS_WAIT_S):
        out, err = await proc.communicate()
    stdout, stderr = out.decode(), err.decode()
    assert proc.returncode == 0, stderr
    assert "可用性监测：3 个目标" in stdout and "已停止：探测" in stdout
    assert "网站无法访问：测试网站2（1101050002）" in stderr  # the down alert, logged

    with Store(db) as store:
        stored = list(store.iter_probes())
    # Every probe the process made was stored before it exited, each slot once.
    assert len(server.log) == len(stored) + sum(r.attempts - 1 for r in stored)
    assert len({(r.site_code, r.slot_time) for r in stored}) == len(stored)
    assert {r.site_code for r in stored if not r.ok} == {"1101050002"}

    runner = CliRunner()
    status = runner.invoke(app, ["monitor", "status", "--db", db, "--sites", str(sites)],
                           env={"COLUMNS": "200"})
    assert status.exit_code == 0, status.output
    assert "关停仍可访问" in status.output and "1101050003" in status.output
    lines = [line for line in status.output.splitlines() if "1101050002" in line]
    assert lines and re.search(r"http_5xx\s+0\.0%\s+0\.0%\s+0\.0%\s", lines[0])  # down throughout
    assert re.search(r"未测 \d+/\d+ 100\.00%", lines[0])  # seconds of probes: no week yet
    assert status.output.index("1101050002") < status.output.index("1101050001")  # worst first

    exported = tmp_path / "export.csv"
    result = runner.invoke(app, ["monitor", "export", "--db", db, "--out", str(exported)])
    assert result.exit_code == 0, result.output
    other = sqlite_url(tmp_path / "other.db")
    result = runner.invoke(app, ["monitor", "import", str(exported), "--db", other])
    assert result.exit_code == 0, result.output
    assert f"读取 {len(stored)} 行，新增 {len(stored)} 条，已存在 0 条" in result.output


def test_import_of_a_bad_file_exits_2_naming_the_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("site_code,url,time,ok,elapsed_ms,status,error\n"
                   "1101050001,http://a/,yesterday,1,1,200,\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["monitor", "import", str(bad), "--db",
                                      sqlite_url(tmp_path / "m.db")])
    assert result.exit_code == 2
    assert "bad.csv:2: column time: 'yesterday' is not an ISO 8601 time" in result.output
    assert "未导入任何记录" in result.output


def test_run_refuses_bad_options_before_probing(tmp_path: Path) -> None:
    sites = write_sites(tmp_path / "sites.csv")
    runner = CliRunner()
    for extra, message in (
        (["--interval", "soon"], "not a duration"),
        (["--smtp", "127.0.0.1:2525"], "--smtp needs at least one --mail-to"),
        (["--webhook", "ftp://x"], "expected an http(s) URL"),
        (["--start", "2026-11-17T00:00"], "--start only makes sense with --speed"),
    ):
        result = runner.invoke(app, ["monitor", "run", "--sites", str(sites), "--db",
                                     sqlite_url(tmp_path / "m.db"), *extra])
        assert result.exit_code == 2, extra
        assert message in result.output, (extra, result.output)
    result = runner.invoke(app, ["monitor", "run", "--db", sqlite_url(tmp_path / "m.db")])
    assert result.exit_code == 2 and "--sites is required" in result.output


def test_census_accepts_a_store_url_for_probes(tmp_path: Path) -> None:
    """`census --probes DB` with a store that has no probes fails early and says why."""
    sites = write_sites(tmp_path / "sites.csv")
    empty = sqlite_url(tmp_path / "empty.db")
    result = CliRunner().invoke(app, ["census", "--sites", str(sites), "--probes", empty,
                                      "--db", sqlite_url(tmp_path / "census.db"),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no probe history here" in result.output
