"""Evaluation profiles: how a period's 绩效评估 turns sources of scores into grades.

A census profile (`govsite/profile.py`) scores one site against a standard; an evaluation
profile says what a centre does with that score afterwards: which other sources it weighs
in (公众评议, 专家评议 …), how totals become grades, and how its reports group units. It is
YAML data (`govsite/evaluate/profiles/*.yaml`, or a user's copy), validated here so that a
mistyped key or weights that do not add up stop the evaluation before any site is graded.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govsite.evaluate.model import GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS

KIND_CENSUS = "census"
KIND_IMPORT = "import"
SOURCE_KINDS = (KIND_CENSUS, KIND_IMPORT)
MODE_THRESHOLD = "threshold"
MODE_QUOTA = "quota"
GRADE_MODES = (MODE_THRESHOLD, MODE_QUOTA)
MISSING_UNSCORED = "unscored"
MISSING_ZERO = "zero"
MISSING_MODES = (MISSING_UNSCORED, MISSING_ZERO)
OTHER_CATEGORY = "其他"

_KEYS = {"id", "name_zh", "source", "sources", "grades", "veto_fails", "good_ratio",
         "missing_source", "progress", "categories", "assumed"}
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Weights are points of 100 written with at most a few decimals; this absorbs float sums.
_WEIGHT_TOLERANCE = 1e-6


class EvalProfileError(ValueError):
    """An evaluation profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class EvalSource:
    """One source of scores: the census itself, or a file the centre imports each period."""

    id: str
    name_zh: str
    weight: float
    kind: str


@dataclass(frozen=True)
class GradeScheme:
    """How totals become grades.

    `threshold`: `minimum` maps 优秀, 良好, 合格 to the least total that earns them.
    `quota`: `share` maps 优秀 and 良好 to the fraction of scored sites that may get them
    (best first, cumulative: 优秀 0.1 and 良好 0.3 means the next 30 % after the best 10 %);
    every other site is 合格 when its total reaches `pass_mark`, else 不合格. In both modes
    `pass_mark` is the least total that is 合格.
    """

    mode: str
    pass_mark: float
    minimum: dict[str, float]
    share: dict[str, float]


@dataclass(frozen=True)
class EvalProfile:
    """A validated evaluation profile; `assumed` are the labelled guesses reports must print."""

    id: str
    name_zh: str
    source: str
    sources: tuple[EvalSource, ...]
    grades: GradeScheme
    veto_fails: bool
    good_ratio: float
    missing_source: str
    progress_min_delta: float
    categories: tuple[str, ...]
    assumed: tuple[str, ...]

    @property
    def import_sources(self) -> tuple[EvalSource, ...]:
        """The sources whose scores come from files, in profile order."""
        return tuple(s for s in self.sources if s.kind == KIND_IMPORT)


def bundled_profiles() -> list[str]:
    """Ids of the profiles shipped in govsite/evaluate/profiles/."""
    folder = resources.files("govsite.evaluate").joinpath("profiles")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_eval_profile(name_or_path: str) -> EvalProfile:
    """A bundled profile by id (`shanghai2007`, `census`), else a user's YAML file by path."""
    if name_or_path in bundled_profiles():
        origin = f"{name_or_path}.yaml"
        text = resources.files("govsite.evaluate").joinpath("profiles", origin).read_text(
            encoding="utf-8")
    else:
        path = Path(name_or_path)
        if not path.is_file():
            known = "、".join(bundled_profiles())
            raise EvalProfileError(f"找不到评估方案：{name_or_path}（内置方案：{known}）")
        text, origin = path.read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EvalProfileError(f"{origin}: 不是有效的 YAML：{exc}") from exc
    return parse_eval_profile(data, origin)


def parse_eval_profile(data: Any, origin: str) -> EvalProfile:
    """Validate a profile document; every error names `origin` and the key at fault."""
    doc = _mapping(data, origin, "", _KEYS)
    progress = _mapping(doc.get("progress") or {}, origin, "progress", {"min_delta"})
    return EvalProfile(
        id=_text(doc, origin, "id"),
        name_zh=_text(doc, origin, "name_zh"),
        source=_text(doc, origin, "source"),
        sources=_sources(doc.get("sources"), origin),
        grades=_grades(doc.get("grades"), origin),
        veto_fails=_flag(doc.get("veto_fails", True), origin, "veto_fails"),
        good_ratio=_number(doc.get("good_ratio", 0.8), origin, "good_ratio", 0, 1, low_open=True),
        missing_source=_choice(doc.get("missing_source", MISSING_UNSCORED), origin,
                               "missing_source", MISSING_MODES),
        progress_min_delta=_number(progress.get("min_delta", 10), origin, "progress.min_delta",
                                   0, 100),
        categories=_strings(doc.get("categories"), origin, "categories", unique=True),
        assumed=_strings(doc.get("assumed"), origin, "assumed", unique=False),
    )


def _sources(raw: Any, origin: str) -> tuple[EvalSource, ...]:
    if not isinstance(raw, list) or not raw:
        raise EvalProfileError(f"{origin}: sources: 至少需要一个评分来源（列表）")
    out: list[EvalSource] = []
    for n, item in enumerate(raw):
        key = f"sources[{n}]"
        entry = _mapping(item, origin, key, {"id", "name_zh", "weight", "kind"})
        sid = _text(entry, origin, f"{key}.id", field="id")
        if not _SOURCE_ID.match(sid):
            raise EvalProfileError(f"{origin}: {key}.id: {sid!r} 应由小写字母、数字和下划线组成")
        if any(s.id == sid for s in out):
            raise EvalProfileError(f"{origin}: {key}.id: 评分来源 {sid!r} 重复")
        out.append(EvalSource(
            id=sid,
            name_zh=_text(entry, origin, f"{key}.name_zh", field="name_zh"),
            weight=_number(entry.get("weight"), origin, f"{key}.weight", 0, 100, low_open=True),
            kind=_choice(entry.get("kind"), origin, f"{key}.kind", SOURCE_KINDS),
        ))
    if sum(1 for s in out if s.kind == KIND_CENSUS) > 1:
        raise EvalProfileError(f"{origin}: sources: 只能有一个 census（自动检测）来源")
    total = sum(s.weight for s in out)
    if abs(total - 100) > _WEIGHT_TOLERANCE:
        raise EvalProfileError(f"{origin}: sources: 各来源权重之和应为100，实际为{total:g}")
    return tuple(out)


def _grades(raw: Any, origin: str) -> GradeScheme:
    doc = _mapping(raw, origin, "grades", {"mode", "min", "share", "pass_mark"})
    mode = _choice(doc.get("mode"), origin, "grades.mode", GRADE_MODES)
    if mode == MODE_THRESHOLD:
        wanted = (GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS)
        table = _mapping(doc.get("min"), origin, "grades.min", set(wanted), required=wanted)
        minimum = {g: _number(table[g], origin, f"grades.min.{g}", 0, 100) for g in wanted}
        if not minimum[GRADE_EXCELLENT] > minimum[GRADE_GOOD] > minimum[GRADE_PASS]:
            raise EvalProfileError(f"{origin}: grades.min: 分数线应满足 优秀 > 良好 > 合格")
        return GradeScheme(mode, minimum[GRADE_PASS], minimum, {})
    wanted = (GRADE_EXCELLENT, GRADE_GOOD)
    table = _mapping(doc.get("share"), origin, "grades.share", set(wanted), required=wanted)
    share = {g: _number(table[g], origin, f"grades.share.{g}", 0, 1) for g in wanted}
    if sum(share.values()) > 1:
        raise EvalProfileError(f"{origin}: grades.share: 优秀与良好的比例之和不能超过1")
    pass_mark = _number(doc.get("pass_mark"), origin, "grades.pass_mark", 0, 100)
    return GradeScheme(mode, pass_mark, {}, share)


# ------------------------------------------------------------------------ typed fields


def _mapping(raw: Any, origin: str, key: str, allowed: set[str],
             required: tuple[str, ...] = ()) -> dict[str, Any]:
    label = f"{origin}: {key}" if key else origin
    if not isinstance(raw, dict):
        raise EvalProfileError(f"{label}: 应为映射（键: 值）")
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        known = "、".join(sorted(allowed))
        raise EvalProfileError(f"{label}: 未知的配置项 {'、'.join(unknown)}（可用：{known}）")
    missing = [k for k in required if k not in raw]
    if missing:
        raise EvalProfileError(f"{label}: 缺少 {'、'.join(missing)}")
    return raw


def _text(doc: dict[str, Any], origin: str, key: str, *, field: str | None = None) -> str:
    value = doc.get(field or key)
    if not isinstance(value, str) or not value.strip():
        raise EvalProfileError(f"{origin}: {key}: 必须填写（文字）")
    return value.strip()


def _number(value: Any, origin: str, key: str, low: float, high: float, *,
            low_open: bool = False) -> float:
    # bool is an int to Python, but `weight: true` is a typo, not 1 point.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EvalProfileError(f"{origin}: {key}: 应为数字")
    if value < low or value > high or (low_open and value == low):
        bracket = "(" if low_open else "["
        raise EvalProfileError(f"{origin}: {key}: {value:g} 超出范围 {bracket}{low:g}, {high:g}]")
    return float(value)


def _choice(value: Any, origin: str, key: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise EvalProfileError(f"{origin}: {key}: {value!r} 无效（可选：{'、'.join(allowed)}）")
    return str(value)


def _flag(value: Any, origin: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise EvalProfileError(f"{origin}: {key}: 应为 true 或 false")
    return value


def _strings(raw: Any, origin: str, key: str, *, unique: bool) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise EvalProfileError(f"{origin}: {key}: 应为文字列表")
    items = tuple(x.strip() for x in raw)
    if unique and len(set(items)) != len(items):
        raise EvalProfileError(f"{origin}: {key}: 有重复项")
    return items
