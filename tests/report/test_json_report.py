"""results.json is validated against the contract's schema before it is written."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from govsite.report import ResultsSchemaError, validate_results, write_results_json
from govsite.results import RunResults


def test_written_results_validate_and_keep_chinese(run: RunResults, tmp_path: Path) -> None:
    path = tmp_path / "out" / "results.json"
    write_results_json(run, path)
    text = path.read_text(encoding="utf-8")
    assert "北京市朝阳区人民政府" in text  # not \u escapes
    assert text.startswith('{\n "schema": "govsite.results/1"')
    data = json.loads(text)
    validate_results(data)
    assert data == run.to_json()
    assert [s["verdict"] for s in data["sites"]] == ["pass", "fail", "not_measured"]
    assert not list(tmp_path.glob("out/*.partial"))


def test_contract_example_validates() -> None:
    validate_results(
        {
            "schema": "govsite.results/1",
            "profile": "gb2019",
            "as_of": "2026-11-23",
            "generated_at": "2026-11-23T10:00:00+08:00",
            "sites": [
                {
                    "site_code": "1101050001",
                    "name": "北京市朝阳区人民政府",
                    "url": "http://www.bjchy.gov.cn/",
                    "verdict": "fail",
                    "score": 86.5,
                    "bonus": 0,
                    "vetoes": ["column.stale"],
                    "deductions": [{"rule": "links.broken_home", "points": 2.0, "count": 4}],
                    "findings": [
                        {
                            "rule": "links.broken_home",
                            "url": "http://www.bjchy.gov.cn/",
                            "target": "http://www.bjchy.gov.cn/zwgk/old.html",
                            "detail": "HTTP 404",
                            "evidence": {"status": 404},
                        },
                        {
                            "rule": "a11y.image-alt",
                            "url": "http://www.bjchy.gov.cn/",
                            "detail": "图片缺少替代文本",
                            "evidence": {"selector": "img"},
                        },
                    ],
                    "not_measured": [
                        {"what": "availability", "why": "no probe history in the window"}
                    ],
                    "stats": {"pages": 412, "links": 9120, "seconds": 31.4},
                    "a_key_added_later": True,
                }
            ],
        }
    )


def _break(data: dict[str, Any], change: str) -> None:
    site = data["sites"][1]
    if change == "verdict":
        site["verdict"] = "ok"
    elif change == "site_code":
        del site["site_code"]
    elif change == "schema":
        data["schema"] = "govsite.results/2"
    elif change == "rule":
        site["findings"][0]["rule"] = "Links Broken"
    elif change == "score":
        data["sites"][2]["score"] = 91.25  # a score for an unmeasured site
    elif change == "why":
        del site["not_measured"][0]["why"]
    elif change == "generated_at":
        data["generated_at"] = "2026-11-23T10:00:00"  # no offset
    elif change == "count":
        site["deductions"][0]["count"] = 1.5


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ("verdict", "$.sites[1].verdict"),
        ("site_code", "$.sites[1]"),
        ("schema", "$.schema"),
        ("rule", "$.sites[1].findings[0].rule"),
        ("score", "$.sites[2].score"),
        ("why", "$.sites[1].not_measured[0]"),
        ("generated_at", "$.generated_at"),
        ("count", "$.sites[1].deductions[0].count"),
    ],
)
def test_broken_documents_fail_validation(run: RunResults, change: str, where: str) -> None:
    data = copy.deepcopy(run.to_json())
    _break(data, change)
    with pytest.raises(ResultsSchemaError) as info:
        validate_results(data)
    assert [p.split(":")[0] for p in info.value.problems] == [where]


def test_full_facts_validate(run: RunResults) -> None:
    data = run.to_json()
    assert set(data["sites"][1]["facts"]) == {"home", "columns", "messages", "guides", "search"}
    validate_results(data)


def test_partial_facts_with_nulls_and_new_keys_validate(run: RunResults) -> None:
    data = copy.deepcopy(run.to_json())
    data["sites"][0]["facts"] = {
        "home": {"newest": None, "status": None, "age_days": None},
        "columns": [{"name": "要闻", "status": "ok", "level": None, "newest": None}, {}],
        "messages": None,
        "search": {"found": False, "how": None, "hits": None},
        "a_section_added_later": {"x": 1},
    }
    data["sites"][1]["facts"]["columns"][0]["a_key_added_later"] = [1, 2]
    del data["sites"][2]["facts"]  # facts is optional: results.json before it still valid
    validate_results(data)


def _break_facts(site: dict[str, Any], change: str) -> None:
    facts = site["facts"]
    if change == "facts":
        site["facts"] = ["not", "an", "object"]
    elif change == "columns":
        facts["columns"] = {"name": "通知公告"}
    elif change == "column_status":
        facts["columns"][2]["status"] = "bad"
    elif change == "level":
        facts["columns"][0]["level"] = 3
    elif change == "home_status":
        facts["home"]["status"] = "stale!"
    elif change == "newest":
        facts["home"]["newest"] = "2026/10/30"
    elif change == "share":
        facts["messages"]["share_over_30d"] = 12.5  # a percentage, not a fraction
    elif change == "total":
        facts["messages"]["total"] = "214"
    elif change == "missing":
        facts["guides"][1]["missing"] = "办理材料"
    elif change == "found":
        facts["search"]["found"] = "yes"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ("columns", "$.sites[1].facts.columns"),
        ("column_status", "$.sites[1].facts.columns[2].status"),
        ("level", "$.sites[1].facts.columns[0].level"),
        ("home_status", "$.sites[1].facts.home.status"),
        ("newest", "$.sites[1].facts.home.newest"),
        ("share", "$.sites[1].facts.messages.share_over_30d"),
        ("total", "$.sites[1].facts.messages.total"),
        ("missing", "$.sites[1].facts.guides[1].missing"),
        ("found", "$.sites[1].facts.search.found"),
        ("facts", "$.sites[1].facts"),
    ],
)
def test_mistyped_facts_fail_validation(run: RunResults, change: str, where: str) -> None:
    data = copy.deepcopy(run.to_json())
    _break_facts(data["sites"][1], change)
    with pytest.raises(ResultsSchemaError) as info:
        validate_results(data)
    assert [p.split(":")[0] for p in info.value.problems] == [where]


def test_invalid_results_are_not_written(run: RunResults, tmp_path: Path) -> None:
    run.sites[0].verdict = "ok"
    path = tmp_path / "results.json"
    with pytest.raises(ResultsSchemaError, match=r"\$\.sites\[0\]\.verdict"):
        write_results_json(run, path)
    assert not path.exists()
