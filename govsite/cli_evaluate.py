"""Period commands: evaluate, sample, selfcheck, recheck and report (the 通报).

Each command names a 考核周期 (`--period 2026Q3`), finds its census in the store and keeps
what it decides as the period's record, so that `govsite report` can assemble the circular
from the store alone.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from govsite.cli_common import DEFAULT_DB, fail, open_store

console = Console()

PeriodOpt = Annotated[str, typer.Option("--period", help="考核周期, e.g. 2026Q3 (the census was run with --period, or its --as-of falls in that quarter).")]
DbOpt = Annotated[str, typer.Option("--db", help="Store URL (sqlite:///file.db or postgresql+psycopg://…).")]


def _period(text: str) -> str:
    from govsite.evaluate.period import PeriodError, parse_period

    try:
        return "{}Q{}".format(*parse_period(text))
    except PeriodError as exc:
        raise fail(console, str(exc)) from None


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else format(round(value, 2), "g")


def _write_json(out: Path, name: str, data: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def evaluate(
    period: PeriodOpt,
    profile: Annotated[str, typer.Option("--profile", help="Evaluation profile: census (census score only), shanghai2007 (the example five-source scheme), or a YAML file (docs/evaluation.md).")] = "census",
    source: Annotated[list[str], typer.Option("--source", help="SOURCE_ID=FILE: scores (网站标识码, 得分) of one imported source of the profile, CSV (UTF-8/GBK) or XLSX. Repeatable.")] = [],  # noqa: B006
    census_profile: Annotated[str | None, typer.Option("--census-profile", help="Which scoring of the census to use (default: the profile the census ran with).")] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory for evaluation.json.")] = Path("out/evaluation"),
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Combine the census with other sources into totals, grades and rankings for a period.

    Weights, grade lines and what counts as 优良 come from the evaluation profile. Ties share
    a rank (1, 2, 2, 4). When last period was evaluated under the same profile, progress
    (进步幅度) is computed too. The result is stored for `govsite report`.

        govsite evaluate --period 2026Q3 --profile shanghai2007 \\
            --source public=公众评议.xlsx --source expert=专家评议.csv \\
            --source daily=日常考查.csv --source service=网上办事.csv
    """
    from govsite.evaluate.evalprofile import EvalProfileError, load_eval_profile
    from govsite.evaluate.flow import FlowError, run_evaluation
    from govsite.evaluate.ranking import rank_zh
    from govsite.evaluate.sources import SheetError

    period = _period(period)
    files: dict[str, Path] = {}
    for spec in source:
        sid, sep, path = spec.partition("=")
        if not sep or not sid or not path:
            raise fail(console, f"--source {spec!r} 格式错误，应为 来源ID=文件，例如 public=公众评议.xlsx")
        files[sid.strip()] = Path(path)
    try:
        prof = load_eval_profile(profile)
        result = run_evaluation(open_store(db), period, prof, files, census_profile=census_profile)
    except (EvalProfileError, FlowError, SheetError, OSError) as exc:
        raise fail(console, str(exc)) from None
    ranks = [s.rank for s in result.sites]
    table = Table(title=f"{period} 绩效评估（{result.profile_name_zh}）")
    for col in ("排名", "网站名称", "类别", *[s["name_zh"] for s in result.sources], "总分", "等级"):
        table.add_column(col)
    for site in sorted(result.sites, key=lambda s: (s.rank or 10**9, s.site.site_code)):
        table.add_row(rank_zh(site.rank, ranks), site.site.name, site.site.category,
                      *[_number(site.scores.get(s["id"])) for s in result.sources],
                      _number(site.total), site.grade or "—")
    console.print(table)
    stats = Table(title="分类统计")
    for col in ("类别", "网站数", "平均分", "高于平均分", "最低分", "合格率", "优良率"):
        stats.add_column(col)
    for group in [*result.categories, result.overall]:
        stats.add_row(group.name, str(group.sites), _number(group.average), str(group.above_average),
                      _number(group.min_score), _percent(group.pass_rate),
                      _percent(group.excellent_good_rate))
    console.print(stats)
    notable = [p for p in result.progress if p.notable]
    if notable:
        console.print("进步幅度突出：" + "、".join(f"{p.name}（+{_number(p.delta)}）" for p in notable))
    path = _write_json(out, "evaluation.json", result.to_json())
    console.print(f"评估结果已保存：{path}")


def sample(
    period: PeriodOpt,
    sites: Annotated[Path, typer.Option("--sites", help="The full registry (网站名录) to sample from.")],
    rate: Annotated[float, typer.Option("--rate", help="Share of each unit's running sites checked at least, rounded up.")] = 0.30,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the random draw; printed and stored, so the plan can be reproduced. Default: a fresh random seed.")] = None,
    out: Annotated[Path, typer.Option("--out", help="The 抽查 list, in the registry's CSV layout plus 抽查原因 (feed it to govsite census --sites).")] = Path("out/sample.csv"),
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Plan the period's 抽查: key sites and last period's failures always, the rest at random.

    A unit is the 主办单位 at the top of a 上级网站 chain; each unit has at least RATE of its
    running sites checked. Key sites are portals and departments' main sites; sites that
    failed last period's census or evaluation are always re-checked.
    """
    from govsite.evaluate.flow import run_sample
    from govsite.evaluate.sampling import write_sample_csv
    from govsite.registry import RegistryError, load_registry

    period = _period(period)
    try:
        loaded = load_registry(sites)
    except (RegistryError, OSError) as exc:
        raise fail(console, str(exc)) from None
    for err in loaded.errors:
        console.print(f"[yellow]名录错误[/] {err}")
    seed = secrets.randbelow(10**9) if seed is None else seed
    try:
        plan = run_sample(open_store(db), period, loaded.sites, rate=rate, seed=seed)
    except ValueError as exc:
        raise fail(console, str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    write_sample_csv(plan, out)
    table = Table(title=f"{period} 抽查计划（比例 {rate:.0%}，随机种子 {seed}）")
    for col in ("单位", "运行网站", "应抽", "抽中", "重点", "上期不合格", "随机"):
        table.add_column(col)
    for unit in plan.units:
        table.add_row(unit.unit, str(unit.running), str(unit.required), str(unit.sampled),
                      str(unit.key), str(unit.failed), str(unit.random))
    console.print(table)
    console.print(f"抽查名单 {len(plan.entries)} 个网站：{out}（随机种子 {seed}，已记录）")


def selfcheck(
    period: PeriodOpt,
    file: Annotated[Path, typer.Argument(help="The unit's self-check: a sheet (网站标识码, 自查结论 合格/不合格, optional 自查得分) or a results.json.")],
    threshold: Annotated[float, typer.Option("--threshold", help="Agreement rate from which the self-check is called 整体真实准确 (when no site said pass and failed).")] = 0.9,
    out: Annotated[Path, typer.Option("--out", help="Directory for selfcheck.json.")] = Path("out/selfcheck"),
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Compare a unit's self-check (网站自查) with the period's census: agreement and gaps."""
    from govsite.evaluate.flow import FlowError, run_selfcheck
    from govsite.evaluate.sources import SheetError

    period = _period(period)
    try:
        result = run_selfcheck(open_store(db), period, file, threshold=threshold)
    except (FlowError, SheetError, OSError, ValueError) as exc:
        raise fail(console, str(exc)) from None
    console.print(f"比对网站 {result.compared} 个，一致 {result.agreed} 个，一致率 {_percent(result.agreement_rate)}")
    by_code = {r.site_code: r for r in result.rows}
    for code in result.said_pass_census_fail:
        row = by_code[code]
        console.print(f"[red]自查合格、复核不合格[/] {row.name}（{code}）：{'、'.join(row.vetoes) or '得分不足'}")
    for code in result.missing:
        console.print(f"[yellow]未报自查[/] {code}")
    console.print(result.conclusion_zh)
    console.print(f"比对结果已保存：{_write_json(out, 'selfcheck.json', result.to_json())}")


def recheck(
    run: Annotated[str, typer.Option("--run", help="The earlier census run whose findings are re-checked (govsite census printed its id; results.json has it as run_id).")],
    period: Annotated[str | None, typer.Option("--period", help="考核周期 the re-check counts for (default: the quarter of --as-of).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="监测时间点 of the re-check, YYYY-MM-DD (default: today).")] = None,
    site: Annotated[list[str], typer.Option("--site", help="Only this site code; repeatable (default: every site with findings).")] = [],  # noqa: B006
    resolve: Annotated[list[str], typer.Option("--resolve", help="HOST[:PORT]=IP[:PORT], as for govsite census. Repeatable.")] = [],  # noqa: B006
    ca: Annotated[Path | None, typer.Option("--ca", help="Extra CA certificate (PEM) to trust.")] = None,
    host_concurrency: Annotated[int, typer.Option(help="Requests in flight per host at most.")] = 2,
    host_interval: Annotated[float, typer.Option(help="Seconds between request starts on one host at least.")] = 0.25,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 15.0,
    out: Annotated[Path, typer.Option("--out", help="Directory for recheck.json.")] = Path("out/recheck"),
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Re-audit only the pages and rules behind an earlier run's findings (整改复核).

    Each finding becomes 已整改 (the page was fetched and the rule no longer reports it),
    未整改 (still reported, with the new evidence) or 无法核实 (the page could not be fetched,
    or the rule needs evidence a page re-fetch cannot give, such as a week of availability
    probes). A fix is never claimed without seeing it. Sites still 未整改 are sampled again
    next period (govsite sample).
    """
    import dataclasses
    from datetime import date

    from govsite.collect import CollectSettings, parse_resolve
    from govsite.evaluate.period import period_of
    from govsite.evaluate.recheck import run_recheck
    from govsite.profile import ProfileError, load_profile
    from govsite.store.period_store import KIND_RECHECK

    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
        for spec in resolve:
            parse_resolve(spec)
    except ValueError as exc:
        raise fail(console, str(exc)) from None
    store = open_store(db)
    info = store.get_run(run)
    if info is None:
        raise fail(console, f"没有普查 {run}（govsite review list 或 results.json 的 run_id）")
    try:
        prof = load_profile(info.profile)
    except ProfileError as exc:
        raise fail(console, str(exc)) from None
    settings = dataclasses.replace(
        CollectSettings(), resolve=tuple(resolve), ca_file=str(ca) if ca else None,
        host_concurrency=host_concurrency, host_interval_s=host_interval, timeout_s=timeout)
    result = run_recheck(store, run, prof, settings, as_of=day, sites=site or None)
    key_period = _period(period) if period else period_of(day)
    store.save_record(key_period, KIND_RECHECK, result.to_json(), key=run)
    table = Table(title=f"整改复核（{run} → {day}）")
    for col in ("规则", "已整改", "未整改", "无法核实"):
        table.add_column(col)
    rules: dict[str, dict[str, int]] = {}
    for item in result.items:
        counts = rules.setdefault(item.rule, {})
        counts[item.state] = counts.get(item.state, 0) + 1
    for rule_id, counts in sorted(rules.items()):
        table.add_row(rule_id, *[str(counts.get(s, 0)) for s in ("已整改", "未整改", "无法核实")])
    console.print(table)
    console.print("合计：" + "，".join(f"{k} {v}" for k, v in result.counts.items()))
    if result.sites_open:
        console.print(f"仍有未整改问题的网站 {len(result.sites_open)} 个：{'、'.join(result.sites_open)}")
    console.print(f"复核结果已保存（{key_period}）：{_write_json(out, 'recheck.json', result.to_json())}")


def report(
    period: PeriodOpt,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: docx, xlsx, html, pdf (pdf via LibreOffice).")] = "docx,xlsx,html",
    out: Annotated[Path, typer.Option("--out", help="Directory for 通报-PERIOD.docx/.xlsx/.html.")] = Path("out/circular"),
    issuer: Annotated[str, typer.Option("--issuer", help="发文机关, printed under the text and as the signature.")] = "政府网站管理中心",
    recipients: Annotated[str, typer.Option("--recipients", help="主送 line, e.g. 各区人民政府，市政府各委、办、局.")] = "各有关单位",
    doc_number: Annotated[str | None, typer.Option("--doc-number", help="文号, e.g. 海网管〔2026〕3号.")] = None,
    sign_date: Annotated[str | None, typer.Option("--sign-date", help="成文日期 YYYY-MM-DD (default: today).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Replace the title for this circular only.")] = None,
    text: Annotated[Path | None, typer.Option("--text", help="Your text layer (YAML), merged over the bundled wording: every sentence of the circular is editable there (docs/report.md).")] = None,
    eval_profile: Annotated[str | None, typer.Option("--eval-profile", help="Which stored evaluation to print (default: the newest of the period; none stored: census only).")] = None,
    db: DbOpt = DEFAULT_DB,
) -> None:
    """Write the period's 通报 (circular) as Word, Excel and HTML from the store.

    Figures come from the period's census, its evaluation (grades, rankings, 优良率,
    progress), the self-check comparison and rectification re-check when stored, and the
    合格率 of every earlier period (trend). Every sentence is a template in the text layer.
    """
    from datetime import date

    from govsite.evaluate.evalprofile import EvalProfileError
    from govsite.evaluate.flow import FlowError, circular_data
    from govsite.report.circular.charts import ChartFontError
    from govsite.report.circular.data import CircularDataError, CircularSettings
    from govsite.report.circular.text import PlaceholderError, TextLayerError
    from govsite.report.circular.writer import ConversionError, ToolMissingError, write_circular

    period = _period(period)
    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    try:
        signed = date.fromisoformat(sign_date) if sign_date else date.today()
        data = circular_data(open_store(db), period, eval_profile=eval_profile)
        settings = CircularSettings(issuer=issuer, recipients=recipients, sign_date=signed,
                                    doc_number=doc_number, title=title)
        paths = write_circular(data, settings, out, wanted, text_layer=text)
    except (FlowError, EvalProfileError, CircularDataError, TextLayerError, PlaceholderError,
            ToolMissingError, ConversionError, ChartFontError, ValueError, OSError) as exc:
        raise fail(console, str(exc)) from None
    for kind, path in paths.items():
        console.print(f"{kind}: {path}")


def register(app: typer.Typer) -> None:
    """Add the period commands to the main CLI."""
    app.command()(evaluate)
    app.command()(sample)
    app.command()(selfcheck)
    app.command()(recheck)
    app.command()(report)
