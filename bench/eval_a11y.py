"""Agreement of the static a11y rules with W3C ACT test cases and axe-core's fixtures.

    .venv/bin/python bench/eval_a11y.py

Reads, from ../shared/corpora/a11y (never copied into the repository):

- ACT Rules (act-rules/testcases.json, read at run time: the case list is not in this file).
  Each case whose ACT rule maps to one of our rules (ACT_RULES below) is one page; it is judged
  by that rule alone, exactly as a census judges a fetched page. Agreement: a `failed` case must
  give at least one finding, a `passed` or `inapplicable` case none.
- axe-core fixtures (axe-fixtures/rules/<axe-id>/<axe-id>.html/.json), element level: each
  fixture is wrapped in a minimal document; an element axe lists under `violations` must be
  reported (TP, else FN), one under `passes` must not (else FP). `incomplete` elements are left
  out, as PROVENANCE.md advises.

Cases excluded, each for a reason readable from the case data, never from our result:
- not an HTML document (.svg, .xml): collect keeps HTML pages only, so the census never
  judges one;
- the page has a <script>, or asset-status.json lists an asset it lacks: what a script adds
  or hides is invisible to static analysis (that is the browser part's job);
- a fixture entry that points into an iframe or shadow DOM (a selector path longer than one).

Prints the tables and writes bench/out/eval_a11y.json.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govsite.collect.parse import parse_html
from govsite.rules import a11y
from govsite.rules.accname import NameIndex
from govsite.rules.base import RuleContext, get_rule, judge
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora" / "a11y"
ACT = CORPORA / "act-rules"
AXE = CORPORA / "axe-fixtures" / "rules"
OUT = Path(__file__).parent / "out" / "eval_a11y.json"

# ACT rule id → our rule. Rules of the full ACT set that are not in the shared subset are kept
# too: they are scored as soon as the corpus holds them.
ACT_RULES = {
    "97a4e1": "a11y.button-name",  # Button has non-empty accessible name
    "b5c3f8": "a11y.html-has-lang",  # HTML page has lang attribute
    "23a2a8": "a11y.image-alt",  # Image has non-empty accessible name
    "2779a5": "a11y.document-title",  # HTML page has non-empty title
    "c487ae": "a11y.link-name",  # Link has non-empty accessible name
    "e086e5": "a11y.label",  # Form field has non-empty accessible name
}
# axe rule → the check our rule runs on each page (element level).
AXE_CHECKS = {
    "image-alt": a11y.images_without_alt,
    "label": a11y.unlabelled_fields,
    "link-name": a11y.unnamed_links,
    "button-name": a11y.unnamed_buttons,
}
SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
AS_OF = date(2026, 11, 23)
FIXTURE_DOC = ('<!doctype html><html lang="en"><head><title>t</title></head><body>{}'
               "</body></html>")


@dataclass
class Tally:
    """Confusion counts for one rule; `excluded` maps a reason to its count."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, expected: bool, reported: bool, name: str) -> None:
        if expected and reported:
            self.tp += 1
        elif expected:
            self.fn += 1
            self.misses.append(f"FN {name}")
        elif reported:
            self.fp += 1
            self.misses.append(f"FP {name}")
        else:
            self.tn += 1

    @property
    def scored(self) -> int:
        return self.tp + self.fn + self.fp + self.tn

    @property
    def agreement(self) -> float | None:
        return (self.tp + self.tn) / self.scored if self.scored else None


def judge_page(rule_id: str, html: str, url: str) -> bool:
    """Whether `rule_id` reports anything on a one-page site made of `html`."""
    parsed = parse_html(html, url)
    page = Page(url=url, final_url=url, status=200, fetched_at="2026-11-23T10:00:00+08:00",
                content_type="text/html", html=html, title=parsed.title, meta=parsed.meta,
                links=parsed.links)
    site = Site(name="ACT", site_code="0000000000", url=url)
    snap = SiteSnapshot(site=site, fetched_at=page.fetched_at, home=page, pages=[page])
    judgement = judge(snap, RuleContext(as_of=AS_OF), [get_rule(rule_id)])
    return any(f.rule == rule_id for f in judgement.findings)


def _missing_assets(status: dict[str, Any], case_id: str) -> bool:
    missing = status.get("cases", {}).get(case_id, {}).get("not_included") or []
    return any("does-not-exist" not in str(item) for item in missing)


def _act_exclusion(case: dict[str, Any], text: str, status: dict[str, Any]) -> str | None:
    if not case["relativePath"].endswith(".html"):
        return "not HTML"
    if SCRIPT.search(text) or _missing_assets(status, case["testcaseId"]):
        return "needs a browser (script)"
    return None


def evaluate_act(root: Path = ACT) -> dict[str, Tally]:
    """Per-rule tallies over the ACT cases of the rules we map."""
    cases = json.loads((root / "testcases.json").read_text(encoding="utf-8"))["testcases"]
    status_path = root / "asset-status.json"
    status = json.loads(status_path.read_text(encoding="utf-8")) if status_path.exists() else {}
    tallies = {rule_id: Tally() for rule_id in ACT_RULES.values()}
    for case in cases:
        rule_id = ACT_RULES.get(case["ruleId"])
        if rule_id is None:
            continue
        tally = tallies[rule_id]
        text = (root / case["relativePath"]).read_text(encoding="utf-8")
        why = _act_exclusion(case, text, status)
        if why:
            tally.excluded[why] = tally.excluded.get(why, 0) + 1
            continue
        name = f"{case['ruleId']}/{case['testcaseId'][:8]} ({case['expected']})"
        tally.add(case["expected"] == "failed", judge_page(rule_id, text, case["url"]), name)
    return tallies


def _fixture_entries(spec: dict[str, Any], key: str) -> Iterator[str | None]:
    """Single-context selectors of one list; None for iframe / shadow-DOM paths."""
    for path in spec.get(key) or []:
        yield path[0] if len(path) == 1 else None


def evaluate_axe(root: Path = AXE) -> dict[str, Tally]:
    """Element-level tallies over axe's fixtures for the rules whose check yields elements."""
    from selectolax.lexbor import LexborHTMLParser

    tallies: dict[str, Tally] = {}
    for axe_id, check in AXE_CHECKS.items():
        tally = tallies.setdefault(f"a11y.{axe_id}", Tally())
        for spec_path in sorted((root / axe_id).glob("*.json")):
            spec = json.loads(spec_path.read_text(encoding="utf-8"))
            body = spec_path.with_suffix(".html").read_text(encoding="utf-8")
            tree = LexborHTMLParser(FIXTURE_DOC.format(body))
            reported = {node.mem_id for node in check(tree, NameIndex(tree))}
            for key, expected in (("violations", True), ("passes", False)):
                for selector in _fixture_entries(spec, key):
                    node = tree.css_first(selector) if selector else None
                    if node is None:
                        why = "in an iframe or shadow DOM" if selector is None else "not found"
                        tally.excluded[why] = tally.excluded.get(why, 0) + 1
                        continue
                    tally.add(expected, node.mem_id in reported, f"{spec_path.stem} {selector}")
    return tallies


def overall(tallies: dict[str, Tally]) -> Tally:
    total = Tally()
    for tally in tallies.values():
        total.tp += tally.tp
        total.fn += tally.fn
        total.fp += tally.fp
        total.tn += tally.tn
        for why, n in tally.excluded.items():
            total.excluded[why] = total.excluded.get(why, 0) + n
    return total


def table(title: str, tallies: dict[str, Tally]) -> str:
    """A plain-text table: one row per rule, then the overall row."""
    rows = [title, f"{'rule':<22}{'scored':>7}{'TP':>5}{'FN':>5}{'FP':>5}{'TN':>5}"
                   f"{'agree':>8}  excluded"]
    for rule_id, tally in [*sorted(tallies.items()), ("overall", overall(tallies))]:
        agree = f"{tally.agreement:.1%}" if tally.agreement is not None else "—"
        excluded = ", ".join(f"{why}: {n}" for why, n in sorted(tally.excluded.items())) or "—"
        if not tally.scored and not tally.excluded:
            excluded = "no cases in this corpus"
        rows.append(f"{rule_id:<22}{tally.scored:>7}{tally.tp:>5}{tally.fn:>5}{tally.fp:>5}"
                    f"{tally.tn:>5}{agree:>8}  {excluded}")
    return "\n".join(rows)


def main() -> int:
    if not ACT.exists():
        print(f"shared corpus {CORPORA} not present beside the repository", file=sys.stderr)
        return 1
    act, axe = evaluate_act(), evaluate_axe()
    print(table("ACT Rules (page level: failed → must report; passed/inapplicable → must not)",
                act))
    print()
    print(table("axe-core fixtures (element level: violations → must report; passes → must not)",
                axe))
    for tally in [*act.values(), *axe.values()]:
        for line in tally.misses:
            print("  ", line)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"act": {k: asdict(v) for k, v in act.items()},
                               "axe": {k: asdict(v) for k, v in axe.items()}},
                              ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
