"""Self-check verification (自查复核): does what a unit reported match what the census found?

A unit's self-check arrives as a simple sheet (网站标识码, 自查结论, optionally 自查得分) or
as a results.json written by another govsite (or any tool speaking the contract), e.g. one
the unit ran itself. Files are read like score files (`sources.py`): every problem located
and all of them reported at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from govsite.evaluate.model import SelfCheckComparison, SelfCheckRow
from govsite.evaluate.sampling import units_of
from govsite.evaluate.sources import SheetError, read_sheet
from govsite.registry import RowError
from govsite.report.json_report import ResultsSchemaError, validate_results
from govsite.results import VERDICT_FAIL, VERDICT_NOT_MEASURED, VERDICT_PASS, SiteResult
from govsite.sites import STATUS_RUNNING

SELF_HEADERS: dict[str, tuple[str, ...]] = {
    "site_code": ("网站标识码", "site_code"),
    "verdict": ("自查结论", "verdict"),
    "score": ("自查得分", "score"),
    "name": ("网站名称", "name"),
    "note": ("备注", "note"),
}
VERDICTS = {"合格": VERDICT_PASS, "不合格": VERDICT_FAIL, "pass": VERDICT_PASS, "fail": VERDICT_FAIL}
CONCLUSION_OK = "经复核，自查情况整体真实准确。"


@dataclass(frozen=True)
class SelfDeclaration:
    """What a unit declared for one site: pass or fail, and its own score when given."""

    site_code: str
    verdict: str
    score: float | None = None
    name: str = ""


def load_selfcheck(path: Path) -> list[SelfDeclaration]:
    """Read a self-check: `.json` as results.json, anything else as a CSV/XLSX sheet."""
    path = Path(path)
    return _from_results(path) if path.suffix.lower() == ".json" else _from_sheet(path)


def _from_sheet(path: Path) -> list[SelfDeclaration]:
    sheet = read_sheet(path, SELF_HEADERS, ("site_code", "verdict"))
    out: list[SelfDeclaration] = []
    seen: dict[str, int] = {}
    for line, values in sheet.records():
        code = sheet.site_code(line, values["site_code"], seen)
        verdict = VERDICTS.get(values["verdict"]) or VERDICTS.get(values["verdict"].lower())
        if verdict is None:
            sheet.error(line, "verdict", f'"{values["verdict"]}" 不是有效的自查结论（可选：合格、不合格）')
        # Self-check scores may follow a profile with bonus points (gb2019: up to 130), so
        # only a negative score is impossible.
        score = sheet.number(line, "score", values["score"], None) if values["score"] else None
        if code is not None and verdict is not None:
            out.append(SelfDeclaration(code, verdict, score, values["name"]))
    sheet.raise_errors()
    return out


def _from_results(path: Path) -> list[SelfDeclaration]:
    """A results.json, checked against the contract's schema before any verdict is trusted.

    A site the self-check could not judge (not_measured) declared nothing, so it is left out
    and shows under `missing` when the census checked it.
    """
    file = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SheetError([RowError(file, 0, "", f"无法读取文件：{exc.strerror}")]) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = f"不是有效的 JSON（应为 UTF-8 编码的 results.json）：{exc}"
        raise SheetError([RowError(file, getattr(exc, "lineno", 0), "", reason)]) from exc
    try:
        validate_results(data)
    except ResultsSchemaError as exc:
        raise SheetError([RowError(file, 0, "", f"不符合 results.json 格式：{p}")
                          for p in exc.problems]) from exc
    out: list[SelfDeclaration] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for n, site in enumerate(data["sites"]):
        if site["site_code"] in seen:
            errors.append(RowError(file, 0, "", f"$.sites[{n}]: 网站标识码 {site['site_code']} 重复"))
        elif site["verdict"] != VERDICT_NOT_MEASURED:
            out.append(SelfDeclaration(site["site_code"], site["verdict"], site["score"], site["name"]))
        seen.add(site["site_code"])
    if errors:
        raise SheetError(errors)
    return out


def compare_selfcheck(self_rows: list[SelfDeclaration], census: list[SiteResult], *, period: str,
                      run_id: str, agreement_threshold: float = 0.9) -> SelfCheckComparison:
    """Set the declarations against the census's running sites.

    Declarations for sites the census did not check (a unit self-checks all its sites, the
    centre samples some) are not compared. A site the census could not judge is listed with
    `agree` None and counts neither way.
    """
    declared = {d.site_code: d for d in self_rows}
    units = units_of([r.site for r in census])
    rows: list[SelfCheckRow] = []
    missing: list[str] = []
    for result in sorted(census, key=lambda r: r.site.site_code):
        site = result.site
        if site.status != STATUS_RUNNING:
            continue
        own = declared.get(site.site_code)
        if own is None:
            missing.append(site.site_code)
            continue
        measured = result.verdict != VERDICT_NOT_MEASURED
        rows.append(SelfCheckRow(
            site_code=site.site_code, name=site.name, unit=units[site.site_code],
            self_verdict=own.verdict, census_verdict=result.verdict,
            agree=own.verdict == result.verdict if measured else None,
            self_score=own.score, census_score=result.score, vetoes=list(result.vetoes),
        ))
    compared = [r for r in rows if r.agree is not None]
    agreed = sum(1 for r in compared if r.agree)
    rate = agreed / len(compared) if compared else None
    pass_fail = [r.site_code for r in compared if r.self_verdict == VERDICT_PASS and not r.agree]
    fail_pass = [r.site_code for r in compared if r.self_verdict == VERDICT_FAIL and not r.agree]
    return SelfCheckComparison(
        period=period, run_id=run_id, rows=rows, compared=len(compared), agreed=agreed,
        agreement_rate=rate, said_pass_census_fail=pass_fail, said_fail_census_pass=fail_pass,
        missing=missing, conclusion_zh=conclusion_zh(rate, len(pass_fail), agreement_threshold),
    )


def conclusion_zh(rate: float | None, said_pass_census_fail: int, threshold: float) -> str:
    """The circular's sentence: 真实准确 only when agreement is high and no failure was hidden."""
    if rate is None:
        return "经复核，没有可与自查结论比对的网站。"
    if rate >= threshold and not said_pass_census_fail:
        return CONCLUSION_OK
    return (f"经复核，自查结论与复核结果的一致率为{rate * 100:.1f}%，"
            f"其中{said_pass_census_fail}个网站自查合格但复核不合格。")
