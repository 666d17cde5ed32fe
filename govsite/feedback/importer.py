"""Reading the national 我为政府网站找错 platform's export (CSV in UTF-8/GBK, or XLSX).

The export's columns are not documented in the texts we have (standards.md says nothing of
them), so the columns below are an ASSUMPTION, named as the platform's pages name the fields,
with English aliases for files made by hand. Columns not listed are ignored: an export
carries more (处理状态, 回复内容 …) than a message needs here.

Files are read like the registry (`govsite.registry.read_table`: encodings, trimmed cells,
spreadsheet rows), and every problem is located the same way (`RowError`: file, line,
column). Unlike the registry, a file with any bad row imports nothing: a half-imported export
is hard to complete later without duplicating or losing messages, while a rejected one is
fixed and imported again. Re-importing a file adds nothing (留言编号 is unique in the store).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from openpyxl.utils import get_column_letter

from govsite.feedback.deadlines import DeadlinePolicy
from govsite.feedback.model import (
    MESSAGE_TYPES,
    SOURCE_IMPORT,
    SUBMITTER_PUBLIC,
    SUBMITTER_SUPERVISOR,
    TYPE_OTHER,
    FeedbackError,
    Message,
)
from govsite.feedback.routing import Router, RoutingError
from govsite.feedback.states import receive
from govsite.registry import FileProblem, RowError, is_valid_site_code, read_table
from govsite.rules.availability import CST

# ASSUMPTION (see the module docstring): field → accepted header names, Chinese first.
HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("留言编号", "external_id"),
    "site_name": ("网站名称", "site_name"),
    "site_code": ("网站标识码", "site_code"),
    "msg_type": ("问题类型", "msg_type"),
    "title": ("留言标题", "title"),
    "content": ("留言内容", "content"),
    "page_url": ("问题页面", "page_url"),
    "received_at": ("留言时间", "received_at"),
    "submitter_kind": ("留言人类型", "submitter_kind"),
    "contact": ("联系方式", "contact"),
}
REQUIRED = ("external_id", "site_code", "msg_type", "content", "received_at")
SUBMITTERS = {"网民": SUBMITTER_PUBLIC, "公众": SUBMITTER_PUBLIC, "public": SUBMITTER_PUBLIC,
              "社会监督员": SUBMITTER_SUPERVISOR, "supervisor": SUBMITTER_SUPERVISOR}
TYPES = {**{t: t for t in MESSAGE_TYPES}, "其它": TYPE_OTHER}
EXTERNAL_ID_MAX = 64  # MessageRow.external_id
# 2025-9-30 14:05, 2025/09/30, 2025年9月30日 14:05:00 — the forms spreadsheets produce that
# datetime.fromisoformat does not read. Times without an offset are Beijing time.
_LOOSE_TIME = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
                         r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class MessageFileError(FeedbackError):
    """An export that cannot be imported; `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def read_messages(path: Path, router: Router, *, policy: DeadlinePolicy,
                  now: datetime) -> list[Message]:
    """Every message of the file, routed and with deadlines; MessageFileError on any problem."""
    file = str(path)
    try:
        rows = read_table(Path(path))
    except FileProblem as exc:
        raise MessageFileError([RowError(file, exc.line, "", exc.reason)]) from exc
    (header_line, headers), body = rows[0], rows[1:]
    columns = _columns(file, header_line, headers)
    errors: list[RowError] = []
    messages: list[Message] = []
    seen: dict[str, int] = {}
    for line, cells in body:
        def error(field: str, reason: str, line: int = line) -> None:
            index = columns[field]
            errors.append(RowError(file, line, get_column_letter(index + 1), reason,
                                   header=headers[index]))

        values = {f: cells[i] if i < len(cells) else "" for f, i in columns.items()}
        message = _row(values, line, error, seen, router, policy, now)
        if message is not None:
            messages.append(message)
    if errors:
        raise MessageFileError(errors)
    return messages


def _columns(file: str, line: int, headers: list[str]) -> dict[str, int]:
    wanted = {alias.lower(): field for field, names in HEADERS.items() for alias in names}
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, text in enumerate(headers):
        field = wanted.get(text.lower())
        if field is None:
            continue
        if field in columns:
            errors.append(RowError(file, line, get_column_letter(index + 1),
                                   f"与第 {get_column_letter(columns[field] + 1)} 列重复", header=text))
        else:
            columns[field] = index
    missing = [HEADERS[f] for f in REQUIRED if f not in columns]
    if missing:
        names = "、".join(f"{zh}（或 {en}）" for zh, en in missing)
        errors.append(RowError(file, line, "", f"缺少必需列：{names}"))
    if errors:
        raise MessageFileError(errors)
    return columns


ErrorSink = Callable[[str, str], None]  # error(field, reason), bound to one row


def _row(values: dict[str, str], line: int, error: ErrorSink, seen: dict[str, int],
         router: Router, policy: DeadlinePolicy, now: datetime) -> Message | None:
    """One row as a message, or None after reporting each of its problems through `error`."""
    bad = False

    def reject(field: str, reason: str) -> None:
        nonlocal bad
        bad = True
        error(field, reason)

    for field in REQUIRED:
        if not values[field]:
            reject(field, "不能为空")
    external_id = values["external_id"]
    if len(external_id) > EXTERNAL_ID_MAX:
        reject("external_id", f"过长（不超过 {EXTERNAL_ID_MAX} 个字符）")
    elif external_id:
        first = seen.setdefault(external_id, line)
        if first != line:
            reject("external_id", f"留言编号 {external_id} 与第{first}行重复")
    route = None
    code = values["site_code"]
    if code and not is_valid_site_code(code.lower() if code[:2].lower() == "bm" else code):
        reject("site_code", f'"{code}" 不是有效的网站标识码（应为10位数字或bm+8位数字）')
    elif code:
        try:
            route = router.route(code)
        except RoutingError as exc:
            reject("site_code", str(exc))
    msg_type = TYPES.get(values["msg_type"])
    if values["msg_type"] and msg_type is None:
        reject("msg_type", f'"{values["msg_type"]}" 不是有效的问题类型（可选：{"、".join(MESSAGE_TYPES)}）')
    received_at = _time(values["received_at"]) if values["received_at"] else None
    if values["received_at"] and received_at is None:
        reject("received_at", f'"{values["received_at"]}" 不是有效的时间（如 2025-09-30 14:05）')
    elif received_at and received_at > now:
        reject("received_at", f'"{values["received_at"]}" 晚于当前时间')
    kind = SUBMITTERS.get(values.get("submitter_kind", "").lower() or "public")
    if kind is None:
        reject("submitter_kind",
               f'"{values["submitter_kind"]}" 不是有效的留言人类型（可选：网民、社会监督员）')
    page_url = values.get("page_url", "")
    if page_url and not _is_web_url(page_url):
        reject("page_url", f'"{page_url}" 不是有效的网址（应为 http:// 或 https:// 开头）')
    if bad or route is None or msg_type is None or received_at is None or kind is None:
        return None
    return receive(route=route, source=SOURCE_IMPORT, msg_type=msg_type,
                   title=values.get("title", ""), content=values["content"], page_url=page_url,
                   contact=values.get("contact", ""), submitter_kind=kind,
                   received_at=received_at, policy=policy, external_id=external_id, now=now)


def _time(text: str) -> datetime | None:
    """A 留言时间 as an aware time; naive ones are Beijing time. None when unreadable."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        match = _LOOSE_TIME.match(text)
        if match is None:
            return None
        try:
            moment = datetime(*(int(g) for g in match.groups(default="0")))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=CST)


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and " " not in url
