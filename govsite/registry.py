"""Load and validate the site registry (网站名录) from CSV or XLSX.

A registry is written by people in spreadsheets, so this module is lenient about form
(UTF-8 or GBK, Chinese or English headers, stray spaces, numeric cells) and strict about
content: every row that cannot be audited correctly gets an error naming file, line and
column, and the good rows still run unless the caller asks for `strict` (contract §1).

Normalisations, so that a reader of a row error knows what was accepted as written:

- every value is trimmed, including full-width spaces (U+3000) and zero-width characters;
- a home page given as a bare host (``www.example.gov.cn``) gets ``http://`` prepended,
  because that is how a browser would open it and how registries usually list sites;
- ``BM07000001`` is read as ``bm07000001``;
- an empty 状态 means 运行 (running), an empty 网站类型 means 其他 (other).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from govsite.sites import (
    KIND_DEPARTMENT,
    KIND_OTHER,
    KIND_PORTAL,
    STATUS_CLOSED,
    STATUS_MERGED,
    STATUS_RUNNING,
    Site,
)

__all__ = ["RegistryError", "RegistryLoad", "RowError", "is_valid_site_code", "load_registry"]

# Field → accepted header names (contract §1). English names match case-insensitively.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("网站名称", "name"),
    "site_code": ("网站标识码", "site_code"),
    "url": ("首页地址", "url"),
    "owner": ("主办单位", "owner"),
    "category": ("单位类别", "category"),
    "kind": ("网站类型", "kind"),
    "status": ("状态", "status"),
    "parent": ("上级网站", "parent"),
}
REQUIRED = ("name", "site_code", "url")

# The aliases beyond the contract's own words are the spellings of the national
# 全国政府网站基本信息数据库 export (政府门户网站, 部门网站), which registries are often
# copied from.
KINDS: dict[str, str] = {
    "门户": KIND_PORTAL,
    "门户网站": KIND_PORTAL,
    "政府门户网站": KIND_PORTAL,
    "部门": KIND_DEPARTMENT,
    "部门网站": KIND_DEPARTMENT,
    "其他": KIND_OTHER,
    "其它": KIND_OTHER,
    KIND_PORTAL: KIND_PORTAL,
    KIND_DEPARTMENT: KIND_DEPARTMENT,
    KIND_OTHER: KIND_OTHER,
}
STATUSES: dict[str, str] = {
    "运行": STATUS_RUNNING,
    "正常运行": STATUS_RUNNING,
    "关停": STATUS_CLOSED,
    "已关停": STATUS_CLOSED,
    "整合迁移": STATUS_MERGED,
    "已整合迁移": STATUS_MERGED,
    STATUS_RUNNING: STATUS_RUNNING,
    STATUS_CLOSED: STATUS_CLOSED,
    STATUS_MERGED: STATUS_MERGED,
}
KINDS_HELP = "门户/portal、部门/department、其他/other"
STATUSES_HELP = "运行/running、关停/closed、整合迁移/merged"

# standards.md G-9 (grade B/C): local sites are 6-digit 行政区划代码 + 4-digit serial; State
# Council departments are bm + 8 digits. The official definition is unconfirmed (grade U),
# so only the shape and the province part of the region code are checked.
_CODE_SHAPE = re.compile(r"^(\d{10}|bm\d{8})$")
# GB/T 2260 province-level codes (省、自治区、直辖市, 台湾, 香港, 澳门).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
_CODE_HELP = "应为10位数字或bm+8位数字"
# `mailto:x`, `javascript:…`: a scheme without "//" is not a bare host to complete with http://
# (a colon followed by a digit is a port: `www.x.gov.cn:8080`).
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)
# str.strip() already removes U+3000 and NBSP; these are not whitespace to Python.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


@dataclass(frozen=True)
class RowError:
    """One problem in a registry file, located like a compiler error.

    `line` is the physical line of a CSV (where the record starts) or the spreadsheet row
    of an XLSX; `column` is the spreadsheet letter for both, so a user can find the cell
    in Excel or WPS either way. `header` is the column's name as the file spells it; both
    are empty for an error about the file as a whole (then `line` is 0 when no line of it
    could be read).
    """

    file: str
    line: int
    column: str
    reason: str
    header: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        if self.header and self.column:
            where += f"{self.header} (column {self.column}): "
        return where + self.reason


class RegistryError(Exception):
    """Raised by `load_registry(strict=True)` when the file has any error at all."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class RegistryLoad:
    """The sites that passed validation, and every error found; `file` as given."""

    sites: list[Site]
    errors: list[RowError]
    file: str


def is_valid_site_code(code: str) -> bool:
    """True for a well-formed 网站标识码 (standards.md G-9): shape and province code."""
    if not _CODE_SHAPE.match(code):
        return False
    return code.startswith("bm") or code[:2] in _PROVINCES


def load_registry(path: Path, *, strict: bool = False) -> RegistryLoad:
    """Read a registry file (`.xlsx`, or CSV in UTF-8/GBK) and validate every row.

    Bad rows are skipped and reported in `errors`; with `strict`, any error raises
    `RegistryError` instead, so a census never runs on a partly wrong list by accident.
    """
    path = Path(path)
    file = str(path)
    try:
        rows = read_rows(path)
        sites, errors = _Validator(file).run(rows)
    except FileProblem as exc:
        sites, errors = [], [RowError(file, exc.line, "", exc.reason)]
    if strict and errors:
        raise RegistryError(errors)
    return RegistryLoad(sites=sites, errors=errors, file=file)


class FileProblem(Exception):
    """A problem with the file as a whole: no row can be trusted."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


# ---------------------------------------------------------------------------- reading

Row = tuple[int, list[str]]  # (line number, cell texts)
ErrorSink = Callable[[str, str], None]  # error(field, reason), bound to one row


def read_rows(path: Path) -> list[Row]:
    if not path.is_file():
        raise FileProblem("文件不存在", line=0)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileProblem("不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV", line=0)
    return _xlsx_rows(path) if suffix == ".xlsx" else _csv_rows(path.read_bytes())


def read_table(path: Path) -> list[Row]:
    """The non-blank rows of a sheet, header first; FileProblem when unreadable or empty.

    What every file read "all or nothing" (score sheets, self-checks, message exports) needs
    before it looks at its own columns.
    """
    rows = [r for r in read_rows(Path(path)) if any(r[1])]
    if not rows:
        raise FileProblem("文件为空，没有表头")
    return rows


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; GB18030, a superset of GBK and GB2312, otherwise.

    UTF-8 is tried first because valid GBK text of any length is almost never valid UTF-8,
    while the reverse guess would silently turn UTF-8 into mojibake.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileProblem("无法识别文件编码（应为 UTF-8 或 GBK）", line=0) from exc


def _csv_rows(data: bytes) -> list[Row]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    rows: list[Row] = []
    start = 1
    try:
        for record in reader:
            # A quoted cell may span lines: report the line where the record starts.
            rows.append((start, [_clean(c) for c in record]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"CSV 格式错误：{exc}", line=reader.line_num) from exc
    return rows


def _xlsx_rows(path: Path) -> list[Row]:
    try:
        book = load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a broken file
        raise FileProblem(f"无法读取 XLSX 文件：{exc}", line=0) from exc
    try:
        sheet = book.worksheets[0]
        return [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
        ]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A cell as text. Site codes typed into Excel become numbers: 1101050001.0 → "1101050001"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean(str(value))


def _clean(text: str) -> str:
    return text.strip().strip(_INVISIBLE).strip()


# ---------------------------------------------------------------------------- validating


class _Validator:
    """Validates rows in file order; remembers codes and URLs to find duplicates."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.columns: dict[str, int] = {}
        self.headers: list[str] = []
        self.codes: dict[str, int] = {}
        self.urls: dict[str, int] = {}

    def run(self, rows: list[Row]) -> tuple[list[Site], list[RowError]]:
        body = iter([r for r in rows if any(r[1])])  # blank lines carry nothing
        header = next(body, None)
        if header is None:
            raise FileProblem("文件为空，没有表头")
        self._read_header(*header)
        sites: list[Site] = []
        errors: list[RowError] = []
        for line, cells in body:
            site, row_errors = self._row(line, cells)
            errors.extend(row_errors)
            if site:
                sites.append(site)
        return sites, errors

    def _read_header(self, line: int, cells: list[str]) -> None:
        wanted = {alias.lower(): field for field, names in HEADERS.items() for alias in names}
        for index, text in enumerate(cells):
            field = wanted.get(text.lower())
            if field and field not in self.columns:  # the first of two same columns wins
                self.columns[field] = index
        self.headers = cells
        missing = [HEADERS[f] for f in REQUIRED if f not in self.columns]
        if missing:
            names = "、".join(f"{zh}（或 {en}）" for zh, en in missing)
            raise FileProblem(f"缺少必需列：{names}", line=line)

    def _row(self, line: int, cells: list[str]) -> tuple[Site | None, list[RowError]]:
        errors: list[RowError] = []
        values = {f: cells[i] if i < len(cells) else "" for f, i in self.columns.items()}

        def error(field: str, reason: str) -> None:
            index = self.columns[field]
            errors.append(
                RowError(
                    self.file,
                    line,
                    get_column_letter(index + 1),
                    reason,
                    header=self.headers[index],
                )
            )

        for field in REQUIRED:
            if not values[field]:
                error(field, "不能为空")
        code = self._code(values["site_code"], line, error)
        url = self._url(values["url"], line, error)
        kind = self._choice(values.get("kind", ""), KINDS, KIND_OTHER)
        if kind is None:
            error("kind", f'"{values["kind"]}" 不是有效的网站类型（可选：{KINDS_HELP}）')
        status = self._choice(values.get("status", ""), STATUSES, STATUS_RUNNING)
        if status is None:
            error("status", f'"{values["status"]}" 不是有效的状态（可选：{STATUSES_HELP}）')
        if errors or code is None or url is None or kind is None or status is None:
            return None, errors
        site = Site(
            name=values["name"],
            site_code=code,
            url=url,
            owner=values.get("owner", ""),
            category=values.get("category", ""),
            kind=kind,
            status=status,
            parent=values.get("parent", ""),
            source_line=line,
        )
        return site, errors

    def _code(self, raw: str, line: int, error: ErrorSink) -> str | None:
        if not raw:
            return None
        code = raw.lower() if raw[:2].lower() == "bm" else raw
        if not _CODE_SHAPE.match(code):
            error("site_code", f'"{raw}" 不是有效的网站标识码（{_CODE_HELP}）')
            return None
        if not is_valid_site_code(code):
            error("site_code", f'"{raw}" 的前6位 {code[:6]} 不是有效的行政区划代码（GB/T 2260）')
            return None
        # Duplicates are checked against every well-formed code, even on a row rejected for
        # another reason: the user has to fix both rows either way.
        first = self.codes.setdefault(code, line)
        if first != line:
            error("site_code", f'网站标识码 "{code}" 与第{first}行重复')
            return None
        return code

    def _url(self, raw: str, line: int, error: ErrorSink) -> str | None:
        if not raw:
            return None
        url = raw if "://" in raw or _OTHER_SCHEME.match(raw) else f"http://{raw}"
        parts = urlsplit(url)
        try:
            parts.port  # noqa: B018  (raises ValueError for a malformed port)
            well_formed = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        except ValueError:
            well_formed = False
        if not well_formed or any(ch.isspace() for ch in url):
            error("url", f'"{raw}" 不是有效的首页地址（应为 http:// 或 https:// 网址）')
            return None
        first = self.urls.setdefault(url_key(url), line)
        if first != line:
            error("url", f'首页地址 "{raw}" 与第{first}行重复')
            return None
        return url

    @staticmethod
    def _choice(raw: str, allowed: dict[str, str], default: str) -> str | None:
        if not raw:
            return default
        return allowed.get(raw) or allowed.get(raw.lower())


def url_key(url: str) -> str:
    """The identity of a home page for duplicate checks.

    Scheme, host case, a default port and a trailing slash do not make another site:
    http://www.x.gov.cn and https://WWW.x.gov.cn/ are the same 首页 listed twice.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{netloc}{path}?{parts.query}" if parts.query else f"{netloc}{path}"
