"""`govsite review`: confirm findings, or mark false positives that the next census and every
rescore leave out (an allow-list for one site or for all)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from govsite.cli_common import DEFAULT_DB, fail, open_store
from govsite.review import (
    SCOPE_GLOBAL,
    SCOPE_SITE,
    VERDICT_CONFIRMED,
    VERDICT_FALSE_POSITIVE,
    Review,
    review_text,
)

review_app = typer.Typer(
    help="Review findings (人工复核): confirm them, or mark false positives (误报). A false "
    "positive becomes an allow-list entry — for its site, or with --scope global for every "
    "site — honoured by the next census and by `govsite rescore`.\n\nStart with `govsite review "
    "list`, then `govsite review mark --site CODE --finding N --false-positive --reason …`.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()

Db = Annotated[str, typer.Option("--db", help="Store URL (the census's --db).")]
Run = Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run).")]
Profile = Annotated[str, typer.Option("--profile", help="Profile id whose results are reviewed.")]
PIN_CHOICES = ("auto", "page", "text", "rule")


def _run_id(store, run: str | None) -> str:  # noqa: ANN001  (Store, imported lazily)
    info = store.get_run(run) if run else store.latest_run()
    if info is None:
        raise fail(console, f"no run {run or ''} in this store".strip())
    return info.id


@review_app.command("list")
def list_findings(
    db: Db = DEFAULT_DB, run: Run = None, profile: Profile = "gb2019",
    site: Annotated[str | None, typer.Option("--site", help="Only this 网站标识码.")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule id.")] = None,
) -> None:
    """List a run's findings with the numbers `review mark --finding` takes."""
    store = open_store(db)
    run_id = _run_id(store, run)
    table = Table(title=f"问题清单（运行 {run_id}，{profile}）")
    for col in ("标识码", "编号", "规则", "页面", "目标", "说明", "复核"):
        table.add_column(col, overflow="fold")
    for result in store.load_site_results(run_id, profile):
        if site and result.site.site_code != site:
            continue
        for idx, finding in enumerate(result.findings):
            if rule and finding.rule != rule:
                continue
            status = (finding.review or {}).get("verdict", "")
            table.add_row(result.site.site_code, str(idx), finding.rule, finding.url,
                          finding.target or "", finding.detail, "已确认" if status else "")
    console.print(table)


@review_app.command()
def mark(
    site: Annotated[str, typer.Option("--site", help="网站标识码 of the finding.")],
    finding: Annotated[int, typer.Option("--finding", help="The finding's number in `review list`.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept with the decision and shown in reports.")],
    false_positive: Annotated[bool, typer.Option("--false-positive/--confirm", help="Mark a false positive (误报), or confirm the finding (属实).")] = True,
    scope: Annotated[str, typer.Option("--scope", help="site: this site only; global: every site (for a text judged wrongly anywhere).")] = SCOPE_SITE,
    pin: Annotated[str, typer.Option("--pin", help="What the decision covers: page (this page and target), text (this wrong text on every page), rule (the whole rule on the site), auto (text for content findings, else page).")] = "auto",
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who decided.")] = "",
    db: Db = DEFAULT_DB, run: Run = None, profile: Profile = "gb2019",
) -> None:
    """Record a decision on one finding; `govsite rescore` applies it to stored runs."""
    if scope not in (SCOPE_SITE, SCOPE_GLOBAL) or pin not in PIN_CHOICES:
        raise fail(console, f"--scope is site or global; --pin is one of {', '.join(PIN_CHOICES)}")
    if not reason.strip():
        raise fail(console, "--reason must say why")
    store = open_store(db)
    run_id = _run_id(store, run)
    found = store.load_finding(run_id, profile, site, finding)
    if found is None:
        raise fail(console, f"run {run_id} has no finding {finding} for site {site} ({profile})")
    text = review_text(found)
    if pin == "auto":
        pin = "text" if text else "page"
    if pin == "text" and not text:
        raise fail(console, f"{found.rule} findings carry no text to pin; use --pin page or rule")
    if scope == SCOPE_GLOBAL and pin != "text":
        raise fail(console, "--scope global needs --pin text: a page or a rule belongs to one site")
    review = Review(
        id=None, rule=found.rule,
        verdict=VERDICT_FALSE_POSITIVE if false_positive else VERDICT_CONFIRMED,
        reason=reason.strip(), scope=scope, site_code=None if scope == SCOPE_GLOBAL else site,
        url=found.url if pin == "page" else None, target=found.target if pin == "page" else None,
        text=text if pin == "text" else None, reviewer=reviewer)
    review_id = store.add_review(review, run_id=run_id)
    what = "误报（将被排除）" if false_positive else "属实（已确认）"
    console.print(f"复核记录 #{review_id}：{found.rule} {found.url} — {what}")
    console.print("运行 `govsite rescore` 使复核结果生效于已有普查；下次普查自动生效。")


@review_app.command()
def allowlist(db: Db = DEFAULT_DB) -> None:
    """List every review decision (the allow-list is the false positives)."""
    table = Table(title="复核记录与白名单")
    for col in ("编号", "结论", "范围", "标识码", "规则", "页面/目标", "文字", "理由", "复核人", "时间"):
        table.add_column(col, overflow="fold")
    for r in open_store(db).list_reviews():
        table.add_row(str(r.id), "误报" if r.verdict == VERDICT_FALSE_POSITIVE else "属实",
                      "全部网站" if r.scope == SCOPE_GLOBAL else "本站", r.site_code or "", r.rule,
                      " ".join(x for x in (r.url, r.target) if x), r.text or "", r.reason,
                      r.reviewer, r.created_at)
    console.print(table)


@review_app.command()
def remove(
    review_id: Annotated[int, typer.Argument(help="The decision's number in `review allowlist`.")],
    db: Db = DEFAULT_DB,
) -> None:
    """Withdraw a decision: the next census or rescore reports the finding again."""
    if not open_store(db).delete_review(review_id):
        raise fail(console, f"no review #{review_id}")
    console.print(f"已撤销复核记录 #{review_id}")
