"""The text layer: every sentence of the 通报 is a Jinja2 string in a YAML file.

Centres word their circulars differently, and they change wording more often than numbers, so
the sentences live in templates/circular.zh.yaml, not in code. A centre passes its own file
with only the keys it changes; it is merged over the bundled one, and a key the bundled file
does not have is an error (a typo would otherwise silently keep the default wording). Every
template is compiled at load time and rendered with StrictUndefined, and the rendered document
is checked for placeholder text, so a circular never goes out with "None" or "{{" in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, TemplateError

from govsite.report.circular.data import CircularSettings
from govsite.report.circular.document import (
    Attachment,
    Block,
    Cell,
    ChartRef,
    ChartText,
    CircularDocument,
    Paragraph,
    Percent,
    Section,
    Table,
    number_text,
    percent_text,
)
from govsite.report.circular.figures import Figures, ProblemSite, RankRow, Vocabulary

BUNDLED = Path(__file__).with_name("templates") / "circular.zh.yaml"
# Mappings whose keys are data, not names: a centre may add entries to them.
OPEN_MAPPINGS = {("problem_types",)}
# Keys a paragraph or an attachment may have even where the bundled file does not use them.
# 二级标题 are numbered （一）（二）… by the renderer, over the paragraphs actually printed.
CHINESE_NUMERALS = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十")
PARAGRAPH_KEYS: dict[str, Any] = {"needs": [], "heading": "", "text": "", "chart": ""}
ATTACHMENT_KEYS: dict[str, Any] = {"needs": []}
SECTION_ORDER = ("overview", "problems", "requirements")
ATTACHMENT_ORDER = ("sites", "categories", "problems", "messages")
# Columns of 各类别统计 that only an evaluation fills.
EVALUATION_COLUMNS = ("average", "above_average", "min_score", "excellent_good_rate")

# What a paragraph, chart or attachment may need; it is left out when the need is not met.
NEEDS: dict[str, Callable[[Figures], bool]] = {
    "pass_rate": lambda f: f.pass_rate is not None,
    "not_measured": lambda f: bool(f.not_measured_sites),
    "categories": lambda f: any(c.pass_rate is not None for c in f.categories),
    "vetoes": lambda f: bool(f.vetoes),
    "problem_types": lambda f: bool(f.problem_types),
    "problem_sites": lambda f: bool(f.problem_sites),
    "overdue_units": lambda f: bool(f.overdue_units),
    "closed_online": lambda f: bool(f.closed_online),
    "trend": lambda f: sum(1 for p in f.trend if p.pass_rate is not None) >= 2,
    "evaluation": lambda f: f.evaluation is not None,
    "evaluation_average": lambda f: f.evaluation is not None and f.evaluation.average is not None,
    "top": lambda f: f.evaluation is not None and bool(f.evaluation.top),
    "excellent": lambda f: f.evaluation is not None and bool(f.evaluation.excellent),
    "good": lambda f: f.evaluation is not None and bool(f.evaluation.good),
    "progress": lambda f: f.evaluation is not None and bool(f.evaluation.progress),
    "previous": lambda f: f.previous is not None,
    "previous_change": lambda f: f.previous is not None and f.previous.change_points is not None,
    "previous_failed": lambda f: f.previous is not None and f.previous.previously_failed > 0,
    "selfcheck": lambda f: f.selfcheck is not None,
    "recheck": lambda f: f.recheck is not None,
    "messages": lambda f: f.messages is not None,
}

_PLACEHOLDERS = re.compile(
    r"\{\{|\}\}|\{%|%\}|(?<![A-Za-z])(?:None|nan|NaN)(?![A-Za-z])|XX|【待填】"
)
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")
_SENTENCE_END = tuple("。！？；…")


class TextLayerError(ValueError):
    """A text-layer file that cannot be used: unknown key, wrong type, bad template."""


class PlaceholderError(ValueError):
    """Rendered text that still holds a placeholder ("None", "{{", "XX", 【待填】 …)."""


def assert_no_placeholders(text: str, where: str = "") -> None:
    """Raise PlaceholderError when `text` holds something only a template or a bug prints."""
    match = _PLACEHOLDERS.search(text)
    if match:
        start = max(0, match.start() - 20)
        context = text[start : match.end() + 20]
        place = f"（{where}）" if where else ""
        raise PlaceholderError(f"通报文本含占位内容 {match.group()!r}{place}：…{context}…")


def check_document(document: CircularDocument) -> None:
    """The placeholder check over every string of a rendered circular."""
    for where, text in document.texts():
        assert_no_placeholders(text, where)


@dataclass(frozen=True)
class TextLayer:
    """The merged text layer (bundled file, then a centre's overrides)."""

    source: dict[str, Any]

    @property
    def vocabulary(self) -> Vocabulary:
        labels = self.source["labels"]
        return Vocabulary(
            problem_types=tuple(self.source["problem_types"].items()),
            other_problem=self.source["other_problem"],
            uncategorised=labels["uncategorised"],
        )


def load_text_layer(path: Path | None = None) -> TextLayer:
    """The bundled text layer, with the file at `path` merged over it when given."""
    source = _read(BUNDLED)
    if path is not None:
        source = _merge(source, _read(Path(path)), (), Path(path))
    _validate(source)
    return TextLayer(source)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TextLayerError(f"无法读取通报文本文件 {path}：{exc}") from exc
    if not isinstance(data, dict):
        raise TextLayerError(f"通报文本文件 {path} 的顶层应为键值映射")
    return data


def _merge(base: dict[str, Any], override: dict[str, Any], at: tuple[str, ...], path: Path) -> dict[str, Any]:
    """`override` over `base`, refusing keys `base` lacks and values of another shape."""
    if at in OPEN_MAPPINGS:  # the centre's entries first: the first matching pattern wins
        if not all(isinstance(v, str) for v in override.values()):
            raise TextLayerError(f"通报文本文件 {path}：{'.'.join(at)} 的每一项应为文本")
        kept = {k: v for k, v in base.items() if k not in override}
        return {**{str(k): v for k, v in override.items()}, **kept}
    allowed = {**_optional_keys(at), **base}
    merged = dict(base)
    for key, value in override.items():
        where = ".".join((*at, str(key)))
        if key not in allowed:
            known = "、".join(str(k) for k in allowed)
            raise TextLayerError(f"通报文本文件 {path}：未知的键 {where}（此处可用的键：{known}）")
        sample = allowed[key]
        if isinstance(sample, dict):
            if not isinstance(value, dict):
                raise TextLayerError(f"通报文本文件 {path}：{where} 应为键值映射")
            merged[key] = _merge(sample, value, (*at, str(key)), path)
        elif isinstance(sample, list):
            if not isinstance(value, list):
                raise TextLayerError(f"通报文本文件 {path}：{where} 应为列表")
            merged[key] = value
        else:
            if not isinstance(value, str):
                raise TextLayerError(f"通报文本文件 {path}：{where} 应为文本")
            merged[key] = value
    return merged


def _optional_keys(at: tuple[str, ...]) -> dict[str, Any]:
    """What a paragraph (sections.<s>.paragraphs.<p>) or an attachment may add."""
    if len(at) == 4 and at[0] == "sections" and at[2] == "paragraphs":
        return PARAGRAPH_KEYS
    if len(at) == 2 and at[0] == "attachments":
        return ATTACHMENT_KEYS
    return {}


def _validate(source: dict[str, Any]) -> None:
    """Every `needs` name known and every template compiling, before anything renders."""
    env = _environment()

    def walk(node: Any, at: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{at}.{key}" if at else str(key))
        elif isinstance(node, list):
            unknown = [n for n in node if n not in NEEDS]
            if at.endswith("needs") and unknown:
                raise TextLayerError(
                    f"通报文本 {at}：未知的条件 {'、'.join(map(str, unknown))}（可用：{'、'.join(NEEDS)}）"
                )
        elif isinstance(node, str):
            try:
                env.parse(node)
            except TemplateError as exc:
                raise TextLayerError(f"通报文本 {at} 模板有误：{exc}") from exc

    walk(source, "")
    charts = set(source["charts"]) - {"sheet"}
    for name, section in source["sections"].items():
        for key, entry in section["paragraphs"].items():
            if "chart" in entry and entry["chart"] not in charts:
                raise TextLayerError(
                    f"通报文本 sections.{name}.paragraphs.{key}：未知的图表 {entry['chart']}"
                    f"（可用：{'、'.join(sorted(charts))}）"
                )


# ------------------------------------------------------------------------------ render


def _names(items: Iterable[Any]) -> str:
    return "、".join(item if isinstance(item, str) else item.name for item in items)


def _pct(rate: float | None) -> str:
    if rate is None:
        raise ValueError("pct: 合格率为空，请用 needs 或 {% if … is not none %} 跳过")
    return percent_text(rate)


def _num(value: float | None) -> str:
    if value is None:
        raise ValueError("num: 数值为空，请用 needs 或 {% if … is not none %} 跳过")
    return number_text(float(value))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(_SENTENCE_END) else text + "。"


def _environment() -> Environment:
    env = Environment(
        undefined=StrictUndefined,
        autoescape=False,  # plain text: each writer escapes for its own format
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, num=_num, names=_names, sentence=_sentence)
    return env


class _Renderer:
    """Renders the layer's strings with the figures; errors name the key that failed."""

    def __init__(self, layer: TextLayer, figures: Figures, settings: CircularSettings) -> None:
        self.layer = layer
        self.figures = figures
        self.env = _environment()
        self.labels: dict[str, Any] = layer.source["labels"]
        self.env.globals.update(
            rank_text=self.rank_text, problem_text=self.problem_text, verdict_text=self.verdict_text
        )
        self.context: dict[str, Any] = {f.name: getattr(figures, f.name) for f in fields(figures)}
        self.context.update(
            issuer=settings.issuer,
            recipients=settings.recipients,
            doc_number=settings.doc_number or "",
            sign_date=settings.sign_date,
        )

    def render(self, key: str, source: str, **extra: Any) -> str:
        try:
            text = self.env.from_string(source).render({**self.context, **extra})
        except (TemplateError, ValueError, TypeError, AttributeError) as exc:
            raise TextLayerError(f"通报文本 {key} 渲染失败：{exc}") from exc
        return _LINE_BREAK.sub("", text).strip()

    def needed(self, entry: dict[str, Any]) -> bool:
        return all(NEEDS[name](self.figures) for name in entry.get("needs", []))

    def rank_text(self, row: RankRow) -> str:
        return self.render("labels.rank", self.labels["rank"], row=row)

    def problem_text(self, site: ProblemSite) -> str:
        return self.render("labels.problem_cell", self.labels["problem_cell"], site=site)

    def verdict_text(self, token: str) -> str:
        return self.labels["verdict"].get(token, token)


def render_circular(figures: Figures, settings: CircularSettings, layer: TextLayer) -> CircularDocument:
    """The whole circular as text, checked for placeholders."""
    r = _Renderer(layer, figures, settings)
    src = layer.source
    attachments = _attachment_keys(r)
    r.context["attachment_no"] = {key: n for n, key in enumerate(attachments, start=1)}

    sections = []
    charts: dict[str, ChartText] = {}
    for name in SECTION_ORDER:
        section = src["sections"][name]
        blocks: list[Block] = []
        numbered = 0
        for key, entry in section["paragraphs"].items():
            where = f"sections.{name}.paragraphs.{key}"
            if not r.needed(entry):
                continue
            if "chart" in entry:
                chart = entry["chart"]
                charts[chart] = _chart_text(r, chart)
                blocks.append(ChartRef(chart, charts[chart].caption))
                continue
            text = r.render(f"{where}.text", entry.get("text", ""))
            if text:
                heading = r.render(f"{where}.heading", entry.get("heading", ""))
                if heading:  # numbered as printed: a left-out paragraph leaves no gap
                    numbered += 1
                    heading = f"（{CHINESE_NUMERALS[numbered]}）{heading}"
                blocks.append(Paragraph(text, heading))
        if blocks:
            sections.append(Section(r.render(f"sections.{name}.heading", section["heading"]), tuple(blocks)))

    built = tuple(_attachment(r, key, number) for number, key in enumerate(attachments, start=1))
    lines = tuple(
        r.render(
            "attachment_list",
            src["attachment_list"]["first" if a.number == 1 else "next"],
            number=a.number,
            title=a.title,
        )
        for a in built
    )
    document = CircularDocument(
        title=settings.title or r.render("title", src["title"]),
        doc_number=settings.doc_number,
        recipients=r.render("recipients", src["recipients"]),
        opening=r.render("opening", src["opening"]),
        sections=tuple(sections),
        closing=r.render("closing", src["closing"]),
        attachment_lines=lines,
        signature=r.render("signature", src["signature"]),
        date=r.render("date", src["date"]),
        attachments=built,
        charts=charts,
        ranking=_ranking(r),
        ranking_sheet=r.render("ranking.sheet", src["ranking"]["sheet"]),
        charts_sheet=r.render("charts.sheet", src["charts"]["sheet"]),
    )
    check_document(document)
    return document


def _chart_text(r: _Renderer, chart: str) -> ChartText:
    entry = r.layer.source["charts"][chart]
    return ChartText(
        title=r.render(f"charts.{chart}.title", entry["title"]),
        caption=r.render(f"charts.{chart}.caption", entry["caption"]),
        value_label=r.render(f"charts.{chart}.value_label", entry["value_label"]),
    )


def _attachment_keys(r: _Renderer) -> list[str]:
    spec = r.layer.source["attachments"]
    return [key for key in ATTACHMENT_ORDER if r.needed(spec[key])]


def _attachment(r: _Renderer, key: str, number: int) -> Attachment:
    spec = r.layer.source["attachments"][key]
    return Attachment(
        key=key,
        number=number,
        label=r.render("attachment_label", r.layer.source["attachment_label"], number=number),
        title=r.render(f"attachments.{key}.title", spec["title"]),
        table=_ATTACHMENT_TABLES[key](r, spec["columns"]),
    )


def _site_table(r: _Renderer, columns: dict[str, str]) -> Table:
    evaluated = r.figures.evaluation is not None
    rows = []
    for s in r.figures.sites:
        score = s.total if evaluated else s.census_score
        result = s.grade if evaluated and s.grade else r.verdict_text(s.verdict)
        rows.append((s.number, s.name, s.site_code, s.owner, s.category, score, result))
    return Table(tuple(columns.values()), tuple(rows), (True, False, False, False, False, True, False))


def _percent(rate: float | None) -> Percent | None:
    return None if rate is None else Percent(rate)


def _category_table(r: _Renderer, columns: dict[str, str]) -> Table:
    """Per category and in total; the evaluation's columns only when there is an evaluation."""
    evaluated = r.figures.evaluation is not None
    headers = [h for k, h in columns.items() if evaluated or k not in EVALUATION_COLUMNS]
    rows = []
    for c in (*r.figures.categories, r.figures.overall):
        row: tuple[Cell, ...] = (c.name or r.labels["total"], c.checked, c.passed, _percent(c.pass_rate))
        if evaluated:
            row += (c.average, c.above_average, c.min_score, _percent(c.excellent_good_rate))
        rows.append(row)
    return Table(tuple(headers), tuple(rows), (False,) + (True,) * (len(headers) - 1))


def _problem_table(r: _Renderer, columns: dict[str, str]) -> Table:
    rows = tuple(
        (n, s.name, s.site_code, r.problem_text(s)) for n, s in enumerate(r.figures.problem_sites, start=1)
    )
    return Table(tuple(columns.values()), rows, (True, False, False, False))


def _message_table(r: _Renderer, columns: dict[str, str]) -> Table:
    assert r.figures.messages is not None  # the attachment needs messages
    m = r.figures.messages
    rows: list[tuple[Cell, ...]] = []
    for n, u in enumerate((*m.units, m.total), start=1):
        number: Cell = n if u is not m.total else ""
        unit = u.unit if u is not m.total else r.labels["total"]
        rows.append(
            (number, unit, u.received, u.closed, u.on_time, _percent(u.on_time_rate), u.overdue, u.returned)
        )
    return Table(tuple(columns.values()), tuple(rows), (True, False, True, True, True, True, True, True))


_ATTACHMENT_TABLES: dict[str, Callable[[_Renderer, dict[str, str]], Table]] = {
    "sites": _site_table,
    "categories": _category_table,
    "problems": _problem_table,
    "messages": _message_table,
}


def _ranking(r: _Renderer) -> Table | None:
    evaluation = r.figures.evaluation
    if evaluation is None:
        return None
    spec = r.layer.source["ranking"]["columns"]
    tied = r.labels["tied"]
    columns = (
        spec["rank"], spec["category_rank"], spec["name"], spec["site_code"], spec["category"],
        *evaluation.sources, spec["total"], spec["grade"], spec["note"],
    )
    rows = tuple(_rank_row(row, tied) for row in evaluation.ranking)
    numeric = (True, True, False, False, False, *(True,) * len(evaluation.sources), True, False, False)
    return Table(columns, rows, numeric)


def _rank_row(row: RankRow, tied: str) -> tuple[Cell, ...]:
    return (
        row.rank, row.category_rank, row.name, row.site_code, row.category,
        *row.scores, row.total, row.grade, tied if row.tied else "",
    )
