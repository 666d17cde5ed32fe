"""Evaluation profiles: the bundled ones, and every validation error naming file and key."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from govsite.evaluate.evalprofile import (
    EvalProfileError,
    bundled_profiles,
    load_eval_profile,
    parse_eval_profile,
)

BASE: dict[str, Any] = {
    "id": "t", "name_zh": "测试方案", "source": "测试",
    "sources": [{"id": "census", "name_zh": "自动检测", "weight": 60, "kind": "census"},
                {"id": "public", "name_zh": "公众评议", "weight": 40, "kind": "import"}],
    "grades": {"mode": "threshold", "min": {"优秀": 90, "良好": 80, "合格": 60}},
}


def with_(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def error_of(data: Any) -> str:
    with pytest.raises(EvalProfileError) as exc:
        parse_eval_profile(data, "my.yaml")
    return str(exc.value)


def test_shanghai2007_ships_the_five_weights_and_says_the_mapping_is_assumed() -> None:
    profile = load_eval_profile("shanghai2007")
    assert [(s.id, s.weight, s.kind) for s in profile.sources] == [
        ("census", 30, "census"), ("public", 30, "import"), ("expert", 10, "import"),
        ("daily", 20, "import"), ("service", 10, "import")]
    assert profile.grades.minimum == {"优秀": 90, "良好": 80, "合格": 60}
    assert profile.veto_fails and profile.missing_source == "unscored"
    assert any("对应关系" in a and "假设" in a for a in profile.assumed)
    assert any("自查" in a and "不计入总分" in a for a in profile.assumed)
    assert [s.id for s in profile.import_sources] == ["public", "expert", "daily", "service"]


def test_census_profile_is_census_only_with_the_same_grades() -> None:
    profile = load_eval_profile("census")
    assert [(s.id, s.weight) for s in profile.sources] == [("census", 100)]
    assert profile.import_sources == ()
    assert profile.grades == load_eval_profile("shanghai2007").grades
    assert set(bundled_profiles()) >= {"census", "shanghai2007"}


def test_defaults_when_optional_keys_are_absent() -> None:
    profile = parse_eval_profile(BASE, "my.yaml")
    assert (profile.veto_fails, profile.good_ratio, profile.missing_source) == (True, 0.8, "unscored")
    assert profile.progress_min_delta == 10
    assert profile.categories == () and profile.assumed == ()
    assert profile.grades.pass_mark == 60


def test_quota_mode() -> None:
    grades = {"mode": "quota", "share": {"优秀": 0.1, "良好": 0.3}, "pass_mark": 60}
    profile = parse_eval_profile(with_(grades=grades), "my.yaml")
    assert (profile.grades.mode, profile.grades.share, profile.grades.pass_mark) == (
        "quota", {"优秀": 0.1, "良好": 0.3}, 60)


def test_weights_must_sum_to_100() -> None:
    data = with_()
    data["sources"][1]["weight"] = 30
    message = error_of(data)
    assert message.startswith("my.yaml: sources:") and "100" in message and "90" in message


def test_unknown_grade_mode() -> None:
    message = error_of(with_(grades={"mode": "curve", "min": {}}))
    assert message.startswith("my.yaml: grades.mode:") and "'curve'" in message


@pytest.mark.parametrize(("data", "key", "words"), [
    (with_(veto_fail=True), "my.yaml: 未知的配置项 veto_fail", ""),
    (with_(grades={"mode": "threshold", "min": {"优秀": 90, "合格": 60}}), "grades.min", "良好"),
    (with_(grades={"mode": "threshold", "min": {"优秀": 80, "良好": 80, "合格": 60}}),
     "grades.min", "优秀 > 良好"),
    (with_(grades={"mode": "quota", "share": {"优秀": 0.5, "良好": 0.6}, "pass_mark": 60}),
     "grades.share", "不能超过1"),
    (with_(grades={"mode": "quota", "share": {"优秀": 0.1, "良好": 0.3}}), "grades.pass_mark", "数字"),
    (with_(good_ratio=1.5), "good_ratio", "超出范围"),
    (with_(missing_source="skip"), "missing_source", "unscored"),
    (with_(veto_fails="yes"), "veto_fails", "true"),
    (with_(progress={"min_delta": "ten"}), "progress.min_delta", "数字"),
    (with_(categories=["区政府", "区政府"]), "categories", "重复"),
    (with_(name_zh=""), "name_zh", "必须填写"),
])
def test_validation_errors_name_the_file_and_key(data: dict[str, Any], key: str, words: str) -> None:
    message = error_of(data)
    assert message.startswith("my.yaml") and key in message and words in message


def test_source_entries_are_checked() -> None:
    data = with_()
    data["sources"][1]["kind"] = "survey"
    assert error_of(data).startswith("my.yaml: sources[1].kind:")
    data = with_()
    data["sources"][1]["id"] = "census"
    assert "sources[1].id" in error_of(data) and "重复" in error_of(data)
    data = with_()
    data["sources"][0]["weight"] = True  # a YAML typo, not 1 point
    assert error_of(data).startswith("my.yaml: sources[0].weight: 应为数字")
    data = with_()
    data["sources"][1]["kind"] = "census"
    assert "只能有一个 census" in error_of(data)
    assert error_of(with_(sources=[])).startswith("my.yaml: sources:")


def test_a_user_file_is_loaded_by_path_and_named_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(yaml.safe_dump(BASE, allow_unicode=True), encoding="utf-8")
    assert load_eval_profile(str(path)).id == "t"
    path.write_text(yaml.safe_dump(with_(good_ratio=0), allow_unicode=True), encoding="utf-8")
    with pytest.raises(EvalProfileError, match=f"^{re.escape(str(path))}: good_ratio"):
        load_eval_profile(str(path))
    path.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(EvalProfileError, match="不是有效的 YAML"):
        load_eval_profile(str(path))
    with pytest.raises(EvalProfileError, match="找不到评估方案.*shanghai2007"):
        load_eval_profile(str(tmp_path / "nope.yaml"))
    assert error_of(["not", "a", "mapping"]).startswith("my.yaml: 应为映射")
