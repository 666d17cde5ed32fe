"""Scores a centre imports for one source (公众评议, 专家评议 …), from CSV or XLSX.

These sheets are typed by hand like the registry, so files are read the same way (UTF-8 or
GBK, `.xlsx`, trimmed cells) and errors are located the same way (`RowError`: file, line,
column). Unlike the registry, a bad score file is never used in part: a missing or mistyped
score would silently change a site's total, so every problem is collected and raised at
once, and the user fixes the file in one go.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from govsite.registry import FileProblem, RowError, is_valid_site_code, read_table

SCORE_HEADERS: dict[str, tuple[str, ...]] = {
    "site_code": ("网站标识码", "site_code"),
    "score": ("得分", "score"),
    "name": ("网站名称", "name"),
    "note": ("备注", "note"),
}


class SheetError(ValueError):
    """A score or self-check sheet that cannot be used; `errors` lists every problem."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Sheet:
    """A sheet whose header was understood: the column of each field, then the data rows.

    `error(line, field, reason)` records a problem at that cell (so do the `site_code` and
    `number` readers); `raise_errors()` raises them all once the caller has seen every row.
    """

    file: str
    fields: tuple[str, ...]
    columns: dict[str, int]
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    errors: list[RowError]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row as (line, field → text); absent optional fields read as ""."""
        for line, cells in self.rows:
            index = {f: self.columns.get(f, len(cells)) for f in self.fields}
            yield line, {f: cells[i] if i < len(cells) else "" for f, i in index.items()}

    def error(self, line: int, field: str, reason: str) -> None:
        index = self.columns[field]
        self.errors.append(RowError(self.file, line, get_column_letter(index + 1), reason,
                                    header=self.headers[index]))

    def raise_errors(self) -> None:
        if self.errors:
            raise SheetError(self.errors)

    def site_code(self, line: int, raw: str, seen: dict[str, int]) -> str | None:
        """A row's 网站标识码, checked like the registry does and against earlier rows (`seen`)."""
        if not raw:
            self.error(line, "site_code", "不能为空")
            return None
        code = raw.lower() if raw[:2].lower() == "bm" else raw
        if not is_valid_site_code(code):
            self.error(line, "site_code", f'"{raw}" 不是有效的网站标识码')
            return None
        first = seen.setdefault(code, line)
        if first != line:
            self.error(line, "site_code", f'网站标识码 "{code}" 与第{first}行重复')
            return None
        return code

    def number(self, line: int, field: str, raw: str, high: float | None) -> float | None:
        """A score cell as a number in [0, high] (no upper bound when `high` is None)."""
        try:
            value = float(raw)
        except ValueError:
            self.error(line, field, f'"{raw}" 不是数字')
            return None
        if not math.isfinite(value) or value < 0 or (high is not None and value > high):
            bound = f"0 至 {high:g} 之间" if high is not None else "不小于 0"
            self.error(line, field, f"{raw} 超出范围（应在{bound}）")
            return None
        return value


def read_sheet(path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> Sheet:
    """Read a CSV/XLSX sheet whose columns must all be among `headers` (Chinese or English).

    An unknown column is an error, not ignored: in a score file it is most likely a misspelt
    得分, and ignoring it would import nothing. Blank header cells (spreadsheet leftovers) are
    skipped. Problems with the header raise SheetError at once: no row can be read without it.
    """
    file = str(path)
    try:
        rows = read_table(Path(path))
    except FileProblem as exc:
        raise SheetError([RowError(file, exc.line, "", exc.reason)]) from exc
    (line, cells), body = rows[0], rows[1:]
    wanted = {alias.lower(): field for field, names in headers.items() for alias in names}
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    for index, text in enumerate(cells):
        if not text:
            continue
        field = wanted.get(text.lower())
        letter = get_column_letter(index + 1)
        if field is None:
            known = "、".join(names[0] for names in headers.values())
            errors.append(RowError(file, line, letter, f"未知的列（可用：{known}）", header=text))
        elif field in columns:
            errors.append(RowError(file, line, letter, "与前面的列重复", header=text))
        else:
            columns[field] = index
    missing = [headers[f] for f in required if f not in columns]
    if missing:
        names = "、".join(f"{zh}（或 {en}）" for zh, en in missing)
        errors.append(RowError(file, line, "", f"缺少必需列：{names}"))
    if errors:
        raise SheetError(errors)
    return Sheet(file, tuple(headers), columns, cells, body, [])


def load_source_scores(path: Path) -> dict[str, float]:
    """Read one import source's file: 网站标识码 → 得分 (0–100). Raises SheetError on any problem."""
    sheet = read_sheet(Path(path), SCORE_HEADERS, ("site_code", "score"))
    scores: dict[str, float] = {}
    seen: dict[str, int] = {}
    for line, values in sheet.records():
        code = sheet.site_code(line, values["site_code"], seen)
        if not values["score"]:
            # A site without a score is left out of the file, never left blank: a blank cell
            # is as likely a forgotten score as a deliberate "no score".
            sheet.error(line, "score", "不能为空（没有得分的网站请删去该行）")
            continue
        score = sheet.number(line, "score", values["score"], 100)
        if code is not None and score is not None:
            scores[code] = score
    sheet.raise_errors()
    return scores
