"""Rich progress display and summary table for census runs (the CLI's pixels)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govsite.results import VERDICT_FAIL, VERDICT_PASS, RunResults, SiteResult
from govsite.sites import Site

VERDICT_ZH = {"pass": "[green]合格[/]", "fail": "[red]不合格[/]", "not_measured": "[yellow]未测[/]"}


class RichProgress:
    """One overall bar for the fleet plus one live line per site being crawled."""

    def __init__(self, console: Console, total: int) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.overall = self.progress.add_task("普查进度（站点）", total=total, note="")
        self.tasks: dict[str, int] = {}
        self.pages: Counter[str] = Counter()

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def site_started(self, site: Site) -> None:
        self.tasks[site.site_code] = self.progress.add_task(
            f"  {site.name[:18]}", total=None, note="连接中…")

    def page_fetched(self, site: Site, url: str) -> None:
        self.pages[site.site_code] += 1
        task = self.tasks.get(site.site_code)
        if task is not None:
            self.progress.update(task, note=f"{self.pages[site.site_code]} 页", advance=1)

    def site_done(self, site: Site, result: SiteResult) -> None:
        task = self.tasks.pop(site.site_code, None)
        if task is not None:
            self.progress.remove_task(task)
        score = "—" if result.measured_score is None else f"{result.measured_score:g}"
        self.progress.console.print(
            f"  {VERDICT_ZH[result.verdict]} {site.name}  得分 {score}  问题 {len(result.findings)}")
        self.progress.advance(self.overall)


def summary_table(run: RunResults, rule_names: dict[str, str], *, top: int = 8) -> Table:
    """Per-site table: verdict, score (provisional in brackets when not measured), problems."""
    table = Table(title=f"普查结果（{run.profile}，监测时间点 {run.as_of}）", show_lines=False)
    for col in ("网站名称", "标识码", "结论", "得分", "否决项", "问题数"):
        table.add_column(col)
    for res in sorted(run.sites, key=lambda r: (r.score is None, -(r.score or 0))):
        if res.score is not None:
            score = f"{res.score:g}"
        elif res.measured_score is not None:
            score = f"（暂估 {res.measured_score:g}）"
        else:
            score = "—"
        vetoes = "、".join(rule_names.get(v, v) for v in res.vetoes) or "—"
        table.add_row(res.site.name, res.site.site_code, VERDICT_ZH[res.verdict], score, vetoes,
                      str(len(res.findings)))
    return table


def problems_table(run: RunResults, rule_names: dict[str, str], *, top: int = 8) -> Table:
    counts = Counter(f.rule for r in run.sites for f in r.findings)
    sites = Counter(rule for r in run.sites for rule in {f.rule for f in r.findings})
    table = Table(title="主要问题")
    for col in ("问题", "规则", "问题数", "涉及网站"):
        table.add_column(col)
    for rule_id, n in counts.most_common(top):
        table.add_row(rule_names.get(rule_id, rule_id), rule_id, str(n), str(sites[rule_id]))
    return table


def verdict_line(run: RunResults) -> str:
    verdicts = Counter(r.verdict for r in run.sites)
    measured = verdicts[VERDICT_PASS] + verdicts[VERDICT_FAIL]
    rate = f"{verdicts[VERDICT_PASS] / measured:.1%}" if measured else "—"
    return (f"网站 {len(run.sites)} 个：合格 {verdicts[VERDICT_PASS]}，不合格 {verdicts[VERDICT_FAIL]}，"
            f"未测 {verdicts['not_measured']}；合格率（已测）{rate}")
