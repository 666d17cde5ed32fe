"""List views as downloadable files: CSV (opens in Excel and WPS), XLSX, JSON.

A table is built once from the same entries the page shows (already cut to the user's
scope) and written in any of the three formats, so the files agree with each other and with
the screen. Crawled text is hostile here too: in CSV a cell starting with = + - @ would be a
formula to a spreadsheet, so it is prefixed with an apostrophe (the OWASP advice); in XLSX
every text cell is written as a string, never a formula, so it round-trips unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govsite.clock import CST
from govsite.feedback import Message, is_approximate
from govsite.web.data import FindingEntry, RunView

FORMATS = ("csv", "xlsx", "json")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """Rows keyed by column; `columns` gives the order and each column's Chinese header."""

    name: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def findings_table(view: RunView, entries: list[FindingEntry],
                   rule_name: Callable[[str], str]) -> Table:
    columns = [("run_id", "运行编号"), ("site_code", "网站标识码"), ("site_name", "网站名称"),
               ("unit", "所属单位"), ("idx", "问题编号"), ("rule", "规则"), ("rule_name", "问题"),
               ("url", "页面"), ("target", "目标"), ("detail", "说明"), ("evidence", "证据"),
               ("status", "复核状态")]
    rows = [{
        "run_id": view.run.id, "site_code": e.site.code, "site_name": e.site.result.site.name,
        "unit": e.site.unit, "idx": e.idx, "rule": e.finding.rule,
        "rule_name": rule_name(e.finding.rule), "url": e.finding.url,
        "target": e.finding.target or "", "detail": e.finding.detail,
        "evidence": json.dumps(e.finding.evidence, ensure_ascii=False, sort_keys=True),
        "status": e.status,
    } for e in entries]
    return Table("findings", columns, rows)


def scores_table(view: RunView) -> Table:
    columns = [("run_id", "运行编号"), ("site_code", "网站标识码"), ("name", "网站名称"),
               ("unit", "所属单位"), ("owner", "主办单位"), ("category", "类别"),
               ("verdict", "结论"), ("score", "得分"), ("measured_score", "已测部分得分"),
               ("bonus", "加分"), ("vetoes", "否决项"), ("findings", "问题数")]
    rows = [{
        "run_id": view.run.id, "site_code": s.code, "name": s.result.site.name, "unit": s.unit,
        "owner": s.result.site.owner, "category": s.result.site.category,
        "verdict": s.result.verdict, "score": s.result.score,
        "measured_score": s.result.measured_score, "bonus": s.result.bonus,
        "vetoes": ";".join(s.result.vetoes), "findings": len(s.result.findings),
    } for s in view.sites]
    return Table("scores", columns, rows)


def messages_table(messages: list[Message], now: datetime, *, contact: bool) -> Table:
    """The message list, times in Beijing time; 联系方式 only for those who may see it."""
    columns = [("id", "留言编号"), ("external_id", "平台编号"), ("source", "来源"),
               ("received_at", "收到时间"), ("site_code", "网站标识码"), ("site_name", "网站名称"),
               ("unit", "承办单位"), ("msg_type", "问题类型"), ("title", "标题"),
               ("content", "留言内容"), ("page_url", "问题页面"), ("submitter_kind", "留言人类型"),
               ("state", "状态"), ("reply_deadline", "答复期限"), ("close_deadline", "办结期限"),
               ("approximate", "期限为估算"), ("overdue", "已逾期"),
               ("returned_count", "退回重办次数"), ("reply", "答复内容")]
    if contact:
        columns.insert(11, ("contact", "联系方式"))
    rows = []
    for m in messages:
        data = {k: v.astimezone(CST).isoformat() if isinstance(v, datetime) else v
                for k, v in asdict(m).items()}
        rows.append({**{key: data.get(key) for key, _ in columns},
                     "approximate": is_approximate(m),
                     "overdue": ";".join(m.missed_deadlines(now))})
    return Table("messages", columns, rows)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (so Excel detects it), one header row of the Chinese names."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _, title in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(row[key]) for key, _ in table.columns])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_xlsx(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.name)
    sheet.append([title for _, title in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, row[key]) for key, _ in table.columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # text stays text: "=cmd|…" must never become a formula
    return cell


def to_json(table: Table) -> bytes:
    data = {"columns": [{"key": key, "title": title} for key, title in table.columns],
            "rows": table.rows}
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


WRITERS: dict[str, Callable[[Table], bytes]] = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}


def download(table: Table, fmt: str, stem: str) -> Response:
    """The file as an attachment named `stem.fmt` (stem made of run id and view: ASCII)."""
    return Response(WRITERS[fmt](table), media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})
