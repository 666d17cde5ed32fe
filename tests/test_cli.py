"""The command line as a user meets it: clear errors, exit codes, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

GOVSITE = [sys.executable, "-m", "govsite"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run([*GOVSITE, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_census_with_only_bad_rows_names_file_line_column(tmp_path: Path) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text("网站名称,网站标识码,首页地址\n测试网站,12345,http://www.a.gov.cn/\n",
                     encoding="utf-8")
    proc = run("census", "--sites", str(sites), "--db", f"sqlite:///{tmp_path}/g.db",
               "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "sites.csv:2" in proc.stdout and "网站标识码" in proc.stdout


def test_census_rejects_a_malformed_resolve(tmp_path: Path) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text("name,site_code,url\n测试网站,1101050001,http://www.a.gov.cn/\n",
                     encoding="utf-8")
    proc = run("census", "--sites", str(sites), "--resolve", "www.a.gov.cn", cwd=tmp_path)
    assert proc.returncode == 2 and "resolve" in proc.stdout.lower()


def test_help_teaches_the_census_options(tmp_path: Path) -> None:
    proc = run("census", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    for word in ("--resolve", "--as-of", "--probes", "--profile", "监测时间点"):
        assert word in proc.stdout


def test_demo_then_rescore_from_the_command_line(tmp_path: Path) -> None:
    """What `make demo` runs, then an offline rescore of its store under gb2015."""
    from govsite.report.json_report import validate_results

    demo = run("demo", "--out", str(tmp_path / "demo"), cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "普查结果" in demo.stdout and "合格率" in demo.stdout
    data = json.loads((tmp_path / "demo" / "results.json").read_text(encoding="utf-8"))
    validate_results(data)
    assert (tmp_path / "demo" / "report.html").stat().st_size > 10_000
    again = run("rescore", "--db", f"sqlite:///{tmp_path / 'demo' / 'govsite.db'}",
                "--profile", "gb2015", "--out", str(tmp_path / "gb2015"), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    rescored = json.loads((tmp_path / "gb2015" / "results.json").read_text(encoding="utf-8"))
    assert rescored["profile"] == "gb2015" and rescored["run_id"] == data["run_id"]
    assert [s["findings"] for s in rescored["sites"]] == [s["findings"] for s in data["sites"]]
