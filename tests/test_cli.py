"""The command line as a user meets it: clear errors, exit codes, nothing lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clirun import run_govsite as run


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


def test_demo_then_rescore_from_the_command_line(demo_out: tuple[Path, str], tmp_path: Path) -> None:
    """What `make demo` runs, then an offline rescore of its store under gb2015."""
    from govsite.report.json_report import validate_results

    out, stdout = demo_out
    shutil.copytree(out / "demo", tmp_path / "demo")
    assert "普查结果" in stdout and "合格率" in stdout
    data = json.loads((tmp_path / "demo" / "results.json").read_text(encoding="utf-8"))
    validate_results(data)
    assert (tmp_path / "demo" / "report.html").stat().st_size > 10_000
    again = run("rescore", "--db", f"sqlite:///{tmp_path / 'demo' / 'govsite.db'}",
                "--profile", "gb2015", "--out", str(tmp_path / "gb2015"), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    rescored = json.loads((tmp_path / "gb2015" / "results.json").read_text(encoding="utf-8"))
    assert rescored["profile"] == "gb2015" and rescored["run_id"] == data["run_id"]
    assert [s["findings"] for s in rescored["sites"]] == [s["findings"] for s in data["sites"]]


def test_review_marks_a_false_positive_that_rescore_then_leaves_out(
        demo_out: tuple[Path, str], tmp_path: Path) -> None:
    """The review workflow end to end: list, mark (false positive and confirm), rescore."""
    shutil.copytree(demo_out[0] / "demo", tmp_path / "demo")
    db = f"sqlite:///{tmp_path / 'demo' / 'govsite.db'}"
    data = json.loads((tmp_path / "demo" / "results.json").read_text(encoding="utf-8"))
    typo_site, typo_idx, typo = next(
        (s, i, f) for s in data["sites"] for i, f in enumerate(s["findings"])
        if f["rule"] == "content.typo")
    stale_site, stale_idx, _ = next(
        (s, i, f) for s in data["sites"] for i, f in enumerate(s["findings"])
        if f["rule"] == "column.stale")
    listed = run("review", "list", "--db", db, "--rule", "content.typo", cwd=tmp_path)
    assert listed.returncode == 0 and typo_site["site_code"] in listed.stdout
    fp = run("review", "mark", "--db", db, "--site", typo_site["site_code"], "--finding",
             str(typo_idx), "--false-positive", "--scope", "global", "--reason", "专有名词",
             "--reviewer", "张三", cwd=tmp_path)
    assert fp.returncode == 0, fp.stdout + fp.stderr
    ok = run("review", "mark", "--db", db, "--site", stale_site["site_code"], "--finding",
             str(stale_idx), "--confirm", "--reason", "人工核实栏目确未更新", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "专有名词" in run("review", "allowlist", "--db", db, cwd=tmp_path).stdout

    again = run("rescore", "--db", db, "--out", str(tmp_path / "reviewed"), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    after = {s["site_code"]: s for s in json.loads(
        (tmp_path / "reviewed" / "results.json").read_text(encoding="utf-8"))["sites"]}
    wrong = typo["evidence"].get("wrong")
    assert not [f for s in after.values() for f in s["findings"]
                if f["rule"] == "content.typo" and f["evidence"].get("wrong") == wrong]
    assert after[typo_site["site_code"]]["stats"]["suppressed"] >= 1
    assert after[typo_site["site_code"]]["facts"]["suppressed"][0]["review"]["reason"] == "专有名词"
    confirmed = [f for f in after[stale_site["site_code"]]["findings"] if f.get("review")]
    assert confirmed and confirmed[0]["review"]["verdict"] == "confirmed"
    html = (tmp_path / "reviewed" / "report.html").read_text(encoding="utf-8")
    assert "经复核排除的误报" in html and "已人工确认" in html
    assert run("review", "remove", "1", "--db", db, cwd=tmp_path).returncode == 0
    assert run("review", "remove", "99", "--db", db, cwd=tmp_path).returncode == 2
