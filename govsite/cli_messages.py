"""`govsite messages …`: 我为政府网站找错 messages from the command line. Parse, call, print.

`import` loads the national platform's export, `list` and `stats` read the store, `remind`
sends deadline reminders (run it from cron). Handling a message (分办, 答复, 办结, 退回重办) is
done in the web application, through `govsite.feedback` and `Store.transition`.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from govsite.cli_common import DEFAULT_DB, fail, open_store
from govsite.cli_monitor import (
    MailFrom,
    MailTo,
    Smtp,
    SmtpPassword,
    SmtpUser,
    Starttls,
    Webhook,
)
from govsite.cli_monitor import _sinks as alert_sinks

messages_app = typer.Typer(
    help="我为政府网站找错 — import the national platform's messages, list them, report 按期办结率, "
    "remind units of deadlines. Deadlines count working days (调休 included); see docs/messages.md.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

Db = Annotated[str, typer.Option("--db", help="Store URL: sqlite:///file.db or postgresql+psycopg://…")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="The moment to judge at: ISO date (its end, Beijing time) or time; without an offset, Beijing time. Default: now.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail(err_console, message, code)


def _moment(text: str | None) -> datetime:
    """--as-of as an aware time: a bare date means the end of that day in Beijing time."""
    from govsite.clock import CST
    from govsite.feedback.deadlines import END_OF_DAY

    if text is None:
        return datetime.now(UTC)
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), END_OF_DAY, CST)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise _fail(f"--as-of 应为 YYYY-MM-DD 或 ISO 8601 时间，收到 {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CST)


def _local(moment: datetime | None) -> str:
    from govsite.clock import CST

    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@messages_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The platform's export: CSV (UTF-8 or GBK) or XLSX; columns in docs/messages.md.")],
    sites: Annotated[Path, typer.Option("--sites", help="网站名录 SITES.csv/.xlsx: routes each message to the unit of its site.")],
    db: Db = DEFAULT_DB,
    deadlines: Annotated[Path | None, typer.Option("--deadlines", help="A centre's deadlines file (default: the bundled deadlines.yaml).")] = None,
    profile: Annotated[str, typer.Option("--profile", help="Profile of the deadlines file.")] = "default",
    actor: Annotated[str, typer.Option("--actor", help="Who imports (recorded in the audit log).")] = "govsite messages import",
) -> None:
    """Import the national platform's export: all rows or none, and never one twice.

    Every bad row is reported with file, line and column, and then nothing is imported.
    Rows whose 留言编号 is already stored are skipped, so importing a file again adds nothing.

    Example: govsite messages import export.xlsx --sites sites.csv --db sqlite:///govsite.db
    """
    from govsite.feedback import (
        FeedbackError,
        MessageFileError,
        Router,
        is_approximate,
        load_policy,
        read_messages,
    )
    from govsite.registry import load_registry

    try:
        policy = load_policy(deadlines, profile)
    except FeedbackError as exc:
        raise _fail(str(exc)) from None
    registry = load_registry(sites)
    for error in registry.errors:
        err_console.print(f"[yellow]名录错误[/] {error}", soft_wrap=True)
    try:
        messages = read_messages(file, Router(registry.sites), policy=policy, now=datetime.now(UTC))
    except MessageFileError as exc:
        for error in exc.errors:
            err_console.print(f"[red]错误[/] {error}", soft_wrap=True)
        raise _fail(f"{len(exc.errors)} 处错误，未导入任何留言；请修改文件后重新导入") from None
    counts = open_store(db).import_messages(messages, actor=actor, file=str(file))
    console.print(f"导入 {counts.added} 条新留言，跳过 {counts.skipped} 条（此前已导入）。", soft_wrap=True)
    approximate = sum(is_approximate(m) for m in messages)
    if approximate:
        console.print(f"[yellow]注意[/]：{approximate} 条留言的期限跨越节假日安排未知的年份，"
                      "按周一至周五推算，为近似值。", soft_wrap=True)


@messages_app.command("list")
def list_(
    db: Db = DEFAULT_DB,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this unit (承办单位).")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only this 网站标识码.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="Only this state: 待分办, 已分办, 办理中, 已答复, 已办结.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only messages with a running deadline passed at --as-of.")] = False,
    as_of: AsOf = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Rows shown, newest received first (0: all).")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Rows skipped first (for paging).")] = 0,
    json_: Json = False,
) -> None:
    """List messages, newest received first; 超期 names the deadlines passed at --as-of.

    Example: govsite messages list --unit 某市人民政府办公室 --overdue
    """
    from govsite.feedback import STATES, is_approximate

    if state is not None and state not in STATES:
        raise _fail(f"--state 应为 {'、'.join(STATES)} 之一")
    moment = _moment(as_of)
    store = open_store(db)
    filters: dict[str, Any] = {"unit": unit, "site_code": site, "state": state,
                               "overdue_as_of": moment if overdue else None}
    messages = store.list_messages(**filters, limit=limit or None, offset=offset)
    if json_:
        _print_json([m.to_json() for m in messages])
        return
    table = Table(title=f"找错留言（共 {store.count_messages(**filters)} 条，显示 {len(messages)} 条）")
    for col in ("编号", "状态", "网站", "承办单位", "类型", "标题", "收到时间", "答复期限", "办结期限",
                "退回", "超期"):
        table.add_column(col, overflow="fold")
    labels = {"reply": "答复", "close": "办结"}
    for m in messages:
        mark = "≈" if is_approximate(m) else ""
        table.add_row(str(m.id), m.state, f"{m.site_name}（{m.site_code}）", m.unit, m.msg_type,
                      m.title, _local(m.received_at), mark + _local(m.reply_deadline),
                      mark + _local(m.close_deadline), str(m.returned_count),
                      "、".join(labels[s] for s in m.missed_deadlines(moment)))
    console.print(table)
    if any(is_approximate(m) for m in messages):
        console.print("≈：期限跨越节假日安排未知的年份，按周一至周五推算，为近似值。")


@messages_app.command()
def stats(db: Db = DEFAULT_DB, as_of: AsOf = None, json_: Json = False) -> None:
    """按期办结率 and the other figures per unit and overall, as they stood at --as-of.

    按期办结率 = closed on time / (closed + overdue still open); see docs/messages.md.

    Example: govsite messages stats --as-of 2026-09-30
    """
    from govsite.feedback import message_stats

    moment = _moment(as_of)
    store = open_store(db)
    result = message_stats(store.list_messages(), store.message_events(), moment)
    if json_:
        _print_json(result.to_json())
        return
    table = Table(title=f"找错留言办理统计（截至 {_local(moment)}，北京时间）")
    for col in ("承办单位", "收到", "已办结", "按期办结", "超期未办结", "按期办结率", "已答复",
                "退回重办", "退回率", "办理天数中位数"):
        table.add_column(col, overflow="fold")
    for row in [*result.units, result.overall]:
        days = "—" if row.median_handling_days is None else f"{row.median_handling_days:.1f}"
        table.add_row(row.unit or "合计", str(row.received), str(row.closed),
                      str(row.closed_on_time), str(row.overdue_open), _rate(row.on_time_rate),
                      str(row.answered), str(row.returned), _rate(row.return_rate), days)
    console.print(table)
    if result.overdue:
        overdue = Table(title="超期未办结留言")
        for col in ("编号", "当时状态", "网站", "承办单位", "办结期限"):
            overdue.add_column(col, overflow="fold")
        for s in result.overdue:
            m = s.message
            overdue.add_row(str(m.id), s.state, f"{m.site_name}（{m.site_code}）", m.unit,
                            _local(m.close_deadline))
        console.print(overdue)


@messages_app.command()
def remind(
    db: Db = DEFAULT_DB,
    within: Annotated[str, typer.Option("--within", help="Remind of deadlines due within this: Nd working days (1d: by the end of the next working day) or Nh working-day hours.")] = "1d",
    as_of: AsOf = None,
    smtp: Smtp = None, smtp_user: SmtpUser = None, smtp_password: SmtpPassword = None,
    smtp_starttls: Starttls = False, mail_from: MailFrom = "govsite@localhost",
    mail_to: MailTo = None, webhook: Webhook = None,
) -> None:
    """Send one reminder per running deadline due soon, per channel; run it from cron.

    Each reminder sent is recorded in the audit log and never sent again; a failed one is
    retried by the next run (exit code 1 tells cron that some failed).

    Example: govsite messages remind --within 1d --smtp mail.example.gov.cn --mail-to ban@example.gov.cn
    """
    from govsite.feedback.reminders import reminder_horizon, send_reminders

    sinks = alert_sinks(smtp, smtp_user, smtp_password, smtp_starttls, mail_from, mail_to or [],
                        webhook or [])
    if not sinks:
        raise _fail("至少需要一个提醒通道：--smtp（及 --mail-to）或 --webhook")
    now = _moment(as_of)
    try:
        horizon = reminder_horizon(now, within)
    except ValueError as exc:
        raise _fail(f"--within {exc}") from None
    report = asyncio.run(send_reminders(open_store(db), sinks, now=now, horizon=horizon))
    for reminder, channel, error in report.failed:
        err_console.print(f"[red]发送失败[/] 留言 #{reminder.message.id} → {channel}：{error}",
                          soft_wrap=True)
    console.print(f"截至 {_local(horizon)} 到期的期限：已发送提醒 {len(report.sent)} 条，"
                  f"跳过 {report.skipped} 条（此前已发送），失败 {len(report.failed)} 条。",
                  soft_wrap=True)
    if report.failed:
        raise typer.Exit(1)
