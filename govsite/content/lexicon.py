"""Lexicon files: the package's own curated lists and the user's additions, validated.

Three kinds of entry share one file format, so that a user extends every check the same way:

- `serious` — a wrong form of a leader's name or title, an organ's full name, a core political
  formulation or an official document's name, with the correct form (content.serious_error);
- `typo` — a common wrong word of official writing with its correction (content.typo);
- `banned` — a word of the 赌博/色情/暴力/反动 categories (content.banned).

A YAML file is a mapping with any of the keys `serious`, `typo`, `banned` (each a list of groups:
`category`, `source`, `note`, `entries`), `banned_allow` (phrases in which a banned word is
legitimate, e.g. 打击赌博), `banned_cues` (enforcement words that make a nearby banned word
legitimate, e.g. 查处) and `ignore` (wrong forms to drop from the built-in lists). An entry is
`[wrong, correct]`, a bare word (banned), or a mapping with `wrong`, `correct`, `allow` (longer
correct phrases that contain the wrong form), `next`/`prev` (regular expressions the text right
after/before the match must match) and `note`. A TSV file has the columns
`kind, wrong, correct, category, source` (kind: serious, typo, banned or allow).

Every error names the file and line: a lexicon that silently drops an entry would silently
stop a check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from govsite.content.normalize import normalize_term

KINDS = ("serious", "typo", "banned")
SERIOUS_CATEGORIES = ("领导人姓名", "领导人职务", "机构名称", "政治表述", "文件名称")
BANNED_CATEGORIES = ("赌博", "色情", "暴力", "反动")
TYPO_CATEGORY = "常见错词"
PACKAGE_FILES = ("serious_errors.yaml", "typo_pairs.yaml", "banned.yaml")
# A one-character term would match inside almost every word of every page.
MIN_TERM_CHARS = 2


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message starts with `file:line:`."""


@dataclass(frozen=True)
class Entry:
    """One lexicon entry, in the file's spelling, with where it came from.

    `key` is the matching form of `wrong`; `allow` and `next`/`prev` are the context rules that
    make an occurrence correct after all (a correct neighbour never trips an entry).
    """

    kind: str
    wrong: str
    correct: str = ""
    category: str = ""
    source: str = ""
    note: str = ""
    allow: tuple[str, ...] = ()
    next: str = ""
    prev: str = ""
    origin: str = ""

    @property
    def key(self) -> str:
        return normalize_term(self.wrong)


@dataclass(frozen=True)
class LexiconSet:
    """Entries of every kind plus the banned-word allow phrases and cues, from one or more files."""

    entries: tuple[Entry, ...] = ()
    banned_allow: tuple[str, ...] = ()
    banned_cues: tuple[str, ...] = ()
    ignore: frozenset[str] = field(default_factory=frozenset)
    files: tuple[str, ...] = ()

    def of(self, kind: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == kind)

    def merged(self, other: LexiconSet) -> LexiconSet:
        """`other` added to this set: its entries replace ours with the same kind and wrong form,
        and its `ignore` drops ours."""
        replaced = {(e.kind, e.key) for e in other.entries}
        drop = {normalize_term(w) for w in other.ignore}
        kept = tuple(e for e in self.entries if (e.kind, e.key) not in replaced and e.key not in drop)
        return LexiconSet(
            entries=kept + other.entries,
            banned_allow=self.banned_allow + other.banned_allow,
            banned_cues=self.banned_cues + other.banned_cues,
            ignore=self.ignore | other.ignore,
            files=self.files + other.files,
        )


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping and sequence (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    data = dict(loader.construct_mapping(node, deep=True))
    data["__line__"] = node.start_mark.line + 1
    return data


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list[Any]:
    return _Seq(loader.construct_sequence(node, deep=True), node.start_mark.line + 1)


class _Seq(list):
    """A YAML list that knows its line."""

    def __init__(self, items: Iterable[Any], line: int) -> None:
        super().__init__(items)
        self.line = line


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

_TOP_KEYS = {"serious", "typo", "banned", "banned_allow", "banned_cues", "ignore", "version", "about"}
_GROUP_KEYS = {"category", "source", "note", "entries"}
_ENTRY_KEYS = {"wrong", "correct", "allow", "next", "prev", "note", "source"}


def _line(obj: Any, default: int) -> int:
    if isinstance(obj, dict):
        return int(obj.get("__line__", default))
    return int(getattr(obj, "line", default))


def load_lexicon_file(path: Path, *, name: str | None = None) -> LexiconSet:
    """Read and validate one YAML or TSV lexicon file; raise LexiconError naming file and line."""
    label = name or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{label}: cannot read lexicon file ({exc})") from None
    if path.suffix.lower() in (".tsv", ".txt"):
        return _parse_tsv(text, label)
    return parse_yaml_lexicon(text, label)


def parse_yaml_lexicon(text: str, label: str) -> LexiconSet:
    """Parse lexicon YAML (see the module docstring for the schema)."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark else label
        raise LexiconError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if data is None:
        return LexiconSet(files=(label,))
    if not isinstance(data, dict):
        raise LexiconError(f"{label}:1: a lexicon file is a mapping with keys serious/typo/banned…")
    unknown = set(data) - _TOP_KEYS - {"__line__"}
    if unknown:
        raise LexiconError(
            f"{label}:{_line(data, 1)}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(sorted(_TOP_KEYS - {'version', 'about'}))}"
        )
    entries: list[Entry] = []
    for kind in KINDS:
        for group in _as_list(data.get(kind, []), label, _line(data, 1), kind):
            entries.extend(_group_entries(kind, group, label))
    _check_duplicates(entries, label)
    return LexiconSet(
        entries=tuple(entries),
        banned_allow=tuple(_terms(data.get("banned_allow", []), label, "banned_allow")),
        banned_cues=tuple(_terms(data.get("banned_cues", []), label, "banned_cues", min_chars=1)),
        ignore=frozenset(_terms(data.get("ignore", []), label, "ignore", min_chars=1)),
        files=(label,),
    )


def _as_list(value: Any, label: str, line: int, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise LexiconError(f"{label}:{_line(value, line)}: `{key}` must be a list")
    return value


def _terms(value: Any, label: str, key: str, *, min_chars: int = MIN_TERM_CHARS) -> list[str]:
    out = []
    for item in _as_list(value, label, 1, key):
        if not isinstance(item, str) or len(normalize_term(item)) < min_chars:
            raise LexiconError(
                f"{label}:{_line(value, 1)}: `{key}` holds {item!r}; "
                f"expected text of at least {min_chars} character(s)"
            )
        out.append(item)
    return out


def _group_entries(kind: str, group: Any, label: str) -> list[Entry]:
    if not isinstance(group, dict):
        raise LexiconError(
            f"{label}:{_line(group, 1)}: each item of `{kind}` is a group mapping "
            "with category, source and entries"
        )
    line = _line(group, 1)
    unknown = set(group) - _GROUP_KEYS - {"__line__"}
    if unknown:
        raise LexiconError(f"{label}:{line}: unknown group key(s) {', '.join(sorted(unknown))}")
    category = str(group.get("category") or (TYPO_CATEGORY if kind == "typo" else ""))
    allowed = {"serious": SERIOUS_CATEGORIES, "banned": BANNED_CATEGORIES}.get(kind)
    if allowed and category not in allowed:
        raise LexiconError(f"{label}:{line}: {kind} category {category!r} is not one of {'/'.join(allowed)}")
    source = str(group.get("source") or "")
    note = str(group.get("note") or "")
    out = []
    for item in _as_list(group.get("entries", []), label, line, "entries"):
        out.append(
            _entry(
                kind,
                item,
                category=category,
                source=source,
                note=note,
                label=label,
                line=_line(item, _line(group.get("entries"), line)),
            )
        )
    return out


def _entry(kind: str, item: Any, *, category: str, source: str, note: str, label: str, line: int) -> Entry:
    where = f"{label}:{line}"
    if isinstance(item, str):
        fields: dict[str, Any] = {"wrong": item}
    elif isinstance(item, list) and 1 <= len(item) <= 2 and all(isinstance(x, str) for x in item):
        fields = {"wrong": item[0], "correct": item[1] if len(item) > 1 else ""}
    elif isinstance(item, dict):
        unknown = set(item) - _ENTRY_KEYS - {"__line__"}
        if unknown:
            raise LexiconError(f"{where}: unknown entry key(s) {', '.join(sorted(unknown))}")
        fields = {k: v for k, v in item.items() if k != "__line__"}
    else:
        raise LexiconError(f"{where}: an entry is [wrong, correct], a word, or a mapping; got {item!r}")
    entry = Entry(
        kind=kind,
        wrong=str(fields.get("wrong") or ""),
        correct=str(fields.get("correct") or ""),
        category=category,
        source=str(fields.get("source") or source),
        note=str(fields.get("note") or note),
        allow=tuple(str(a) for a in fields.get("allow") or ()),
        next=str(fields.get("next") or ""),
        prev=str(fields.get("prev") or ""),
        origin=where,
    )
    validate_entry(entry)
    return entry


def validate_entry(entry: Entry) -> None:
    """Raise LexiconError (at the entry's origin) for an entry no check could use correctly."""
    where = entry.origin or "lexicon"
    key = entry.key
    if len(key) < MIN_TERM_CHARS:
        raise LexiconError(
            f"{where}: {entry.kind} term {entry.wrong!r} is shorter than "
            f"{MIN_TERM_CHARS} characters after normalisation"
        )
    if entry.kind in ("serious", "typo"):
        if not entry.correct:
            raise LexiconError(f"{where}: {entry.kind} entry {entry.wrong!r} needs its correct form")
        if normalize_term(entry.correct) == key:
            raise LexiconError(f"{where}: {entry.wrong!r} and its correct form are the same text")
    elif entry.correct:
        raise LexiconError(f"{where}: banned word {entry.wrong!r} takes no correct form")
    for phrase in entry.allow:
        if key not in normalize_term(phrase):
            raise LexiconError(f"{where}: allow phrase {phrase!r} does not contain {entry.wrong!r}")
    for name in ("next", "prev"):
        pattern = getattr(entry, name)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise LexiconError(f"{where}: `{name}` is not a valid regular expression ({exc})") from None


def _check_duplicates(entries: list[Entry], label: str) -> None:
    seen: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        first = seen.setdefault((entry.kind, entry.key), entry)
        if first is not entry:
            raise LexiconError(
                f"{entry.origin}: {entry.kind} term {entry.wrong!r} is already "
                f"listed at {first.origin.removeprefix(label + ':')}"
            )


def _parse_tsv(text: str, label: str) -> LexiconSet:
    entries: list[Entry] = []
    allow: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if number == 1 and cols[0].lower() == "kind":
            continue
        kind = cols[0].lower()
        if kind == "allow":
            if len(cols) < 2 or len(normalize_term(cols[1])) < MIN_TERM_CHARS:
                raise LexiconError(f"{label}:{number}: an allow line is `allow<TAB>phrase`")
            allow.append(cols[1])
            continue
        if kind not in KINDS:
            raise LexiconError(
                f"{label}:{number}: kind {cols[0]!r} is not one of "
                f"{', '.join(KINDS)}, allow (columns: kind, wrong, correct, category, source)"
            )
        if len(cols) < 2 or len(cols) > 5:
            raise LexiconError(
                f"{label}:{number}: expected 2 to 5 tab-separated columns "
                f"(kind, wrong, correct, category, source), got {len(cols)}"
            )
        cols += [""] * (5 - len(cols))
        category = cols[3] or (TYPO_CATEGORY if kind == "typo" else "")
        allowed = {"serious": SERIOUS_CATEGORIES, "banned": BANNED_CATEGORIES}.get(kind)
        if allowed and category not in allowed:
            raise LexiconError(
                f"{label}:{number}: {kind} category {category!r} is not one of {'/'.join(allowed)}"
            )
        entry = Entry(
            kind=kind,
            wrong=cols[1],
            correct=cols[2],
            category=category,
            source=cols[4],
            origin=f"{label}:{number}",
        )
        validate_entry(entry)
        entries.append(entry)
    _check_duplicates(entries, label)
    return LexiconSet(entries=tuple(entries), banned_allow=tuple(allow), files=(label,))


@cache
def package_lexicons() -> LexiconSet:
    """The built-in lexicons shipped in `govsite/lexicons/`, validated like a user's files."""
    merged = LexiconSet()
    root = resources.files("govsite.lexicons")
    for name in PACKAGE_FILES:
        text = root.joinpath(name).read_text(encoding="utf-8")
        merged = merged.merged(parse_yaml_lexicon(text, f"govsite/lexicons/{name}"))
    return merged


def load_user_lexicons(paths: Iterable[Path]) -> LexiconSet:
    """The user's `--lexicon` files, in order (a later file's entry replaces an earlier one's)."""
    merged = LexiconSet()
    for path in paths:
        merged = merged.merged(load_lexicon_file(Path(path)))
    return merged


def effective_lexicons(user: LexiconSet | None) -> LexiconSet:
    """The package lexicons with the user's additions and `ignore` applied (built once per set)."""
    if user is None or user == LexiconSet():
        return package_lexicons()
    return _with_user(user)


@cache
def _with_user(user: LexiconSet) -> LexiconSet:
    return package_lexicons().merged(user)
