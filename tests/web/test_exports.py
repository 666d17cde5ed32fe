"""Exports parse back to the store's rows; the open-data zip is the contract plus a dictionary."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from govsite.report.json_report import validate_results
from govsite.store import Store
from govsite.web.opendata import DATA_DICTIONARY
from tests.web.conftest import GZ, PORTAL, XSS_SITE, Seeded

SignIn = Callable[[str], tuple[TestClient, str]]


def _store_findings(store: Store, run: str) -> list[tuple[Any, ...]]:
    return [(r.site.site_code, idx, f.rule, f.url, f.target or "", f.detail,
              json.dumps(f.evidence, ensure_ascii=False, sort_keys=True))
            for r in store.load_site_results(run, "gb2019") for idx, f in enumerate(r.findings)]


def _store_scores(store: Store, run: str) -> list[tuple[Any, ...]]:
    return [(r.site.site_code, r.site.name, r.verdict, r.score, r.bonus, ";".join(r.vetoes),
             len(r.findings)) for r in store.load_site_results(run, "gb2019")]


def _parse(fmt: str, content: bytes) -> list[dict[str, Any]]:
    """Rows keyed by the JSON export's column keys, whatever the format."""
    if fmt == "json":
        return json.loads(content)["rows"]
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        table = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(_KEYS[len(table[0])], row, strict=True)) for row in table[1:]]


_KEYS = {12: ["run_id", "site_code", "site_name", "unit", "idx", "rule", "rule_name", "url", "target",
              "detail", "evidence", "status"]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_findings_export_matches_the_store(client_as: SignIn, seeded: Seeded, store: Store,
                                           fmt: str) -> None:
    client, _ = client_as("viewer")
    response = client.get(f"/export/findings.{fmt}?run={seeded.new_run}")
    assert response.status_code == 200
    assert f'filename="findings-{seeded.new_run}.{fmt}"' in response.headers["content-disposition"]
    rows = _parse(fmt, response.content)
    got = [(r["site_code"], int(r["idx"]), r["rule"], r["url"], r["target"] or "",
            r["detail"], r["evidence"]) for r in rows]
    expected = _store_findings(store, seeded.new_run)
    if fmt == "csv":  # a spreadsheet formula in crawled text is defused with an apostrophe
        expected = [row[:5] + (("'" + row[5]) if row[5].startswith("=") else row[5],) + row[6:]
                    for row in expected]
    assert got == expected
    assert all(r["run_id"] == seeded.new_run for r in rows)
    assert {r["status"] for r in rows} == {"open"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_scores_export_matches_the_store(client_as: SignIn, seeded: Seeded, store: Store,
                                         fmt: str) -> None:
    client, _ = client_as("staff")
    content = client.get(f"/export/scores.{fmt}?run={seeded.old_run}").content
    keys = ["run_id", "site_code", "name", "unit", "owner", "category", "verdict", "score",
            "measured_score", "bonus", "vetoes", "findings"]
    if fmt == "json":
        rows = json.loads(content)["rows"]
    elif fmt == "csv":
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        rows = [dict(zip(keys, row, strict=True)) for row in table[1:]]
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [dict(zip(keys, row, strict=True)) for row in list(sheet.iter_rows(values_only=True))[1:]]

    def num(value: Any) -> float | None:
        return None if value in (None, "") else float(value)

    got = [(r["site_code"], r["name"], r["verdict"], num(r["score"]), num(r["bonus"]),
            r["vetoes"] or "", int(r["findings"])) for r in rows]
    assert got == _store_scores(store, seeded.old_run)


def test_xlsx_keeps_formula_text_as_text(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("staff")
    content = client.get(f"/export/findings.xlsx?run={seeded.new_run}&site={XSS_SITE}").content
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == '=HYPERLINK("http://evil")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_open_data_zip(client_as: SignIn, seeded: Seeded, store: Store) -> None:
    client, _ = client_as("staff")
    # A finding confirmed on review carries the review; the published file drops who it was.
    gz = next(r for r in store.load_site_results(seeded.new_run, "gb2019") if r.site.site_code == GZ)
    review = {"id": 1, "verdict": "confirmed", "reason": "属实", "scope": "site",
              "reviewer": "staff", "at": "2026-11-24T09:00:00+00:00"}
    gz.findings = [replace(gz.findings[0], review=review)]
    store.save_result(seeded.new_run, "gb2019", gz)
    page = client.get("/opendata").text
    assert f"/opendata/{seeded.new_run}.zip" in page and "数据字典" in page
    response = client.get(f"/opendata/{seeded.new_run}.zip")
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["data_dictionary.csv", "data_dictionary.json", "results.json"]
    results = json.loads(archive.read("results.json"))
    validate_results(results)
    assert results["run_id"] == seeded.new_run
    assert [s["site_code"] for s in results["sites"]] == [
        r.site.site_code for r in store.load_site_results(seeded.new_run, "gb2019")]
    published = next(s for s in results["sites"] if s["site_code"] == GZ)["findings"][0]["review"]
    assert published == {k: v for k, v in review.items() if k != "reviewer"}
    dictionary = {row["field"] for row in json.loads(archive.read("data_dictionary.json"))["fields"]}
    assert dictionary == {field for field, _, _ in DATA_DICTIONARY}
    csv_rows = list(csv.reader(io.StringIO(archive.read("data_dictionary.csv").decode("utf-8-sig"))))
    assert csv_rows[0] == ["字段", "类型", "说明"] and len(csv_rows) == len(DATA_DICTIONARY) + 1
    # Every field of the document is described.
    for path in _paths(results):
        assert path in dictionary, path


def _paths(results: dict[str, Any]) -> set[str]:
    """Field paths as the dictionary names them, down to the facts sections' own fields."""
    paths = {key if not isinstance(v, list) else f"{key}[]" for key, v in results.items()}
    for site in results["sites"]:
        for key, value in site.items():
            base = f"sites[].{key}" + ("[]" if isinstance(value, list) else "")
            paths.add(base)
            items = value if isinstance(value, list) else []
            for item in items:
                if isinstance(item, dict):
                    paths |= {f"{base}.{k}" + ("[]" if isinstance(v, list) else "")
                              for k, v in item.items()}
            if key in ("stats", "facts"):
                paths |= {f"{base}.{k}" + ("[]" if isinstance(v, list) else "") for k, v in value.items()}
        for name, section in site["facts"].items():
            rows = section if isinstance(section, list) else [section]
            prefix = f"sites[].facts.{name}" + ("[]" if isinstance(section, list) else "")
            paths |= {f"{prefix}.{k}" + ("[]" if isinstance(v, list) else "")
                      for row in rows for k, v in row.items()}
    paths.discard("sites[].findings[].evidence")  # evidence keys are the rules' own (docs/rules.md)
    return paths - {p for p in paths if p.startswith("sites[].findings[].review.")}


def test_sites_outside_the_export_filter(client_as: SignIn, seeded: Seeded) -> None:
    client, _ = client_as("staff")
    rows = json.loads(client.get(f"/export/findings.json?site={PORTAL}").content)["rows"]
    assert {r["site_code"] for r in rows} == {PORTAL} and len(rows) == 3
    assert client.get("/export/findings.pdf").status_code in (400, 404)
