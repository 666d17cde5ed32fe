"""content.banned against public word lists, and every content check on clean official prose.

Thresholds are the measured figures, rounded down, not targets we wish we had:

- The built-in banned list is deliberately small (88 words) and specific to spam injected into
  government sites; the public Sensitive-lexicon lists are broad (1,700 distinct 色情/暴力/反动
  entries, much of it not spam at all). Measured recall of the built-in list on them: 色情 1.8 %,
  暴力 6.7 %, 反动 0.6 %. The test guards these floors so the list never silently shrinks.
- Loaded as a user lexicon (`--lexicon`), the same public lists are found at ≥ 99 %: the misses
  are words the allow-list declares official vocabulary (信访, 上访, 维权) and one entry with an
  internal space.
- False alarms on ECSpell's 1,720 official-document (公文) sentences: the built-in lists raise
  none; the raw public lists flag 1.2 % of sentences (回族, 主权, 党章, 解放军 …), which is why
  they are not the product's lists.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from govsite.content.lexicon import (
    Entry,
    LexiconError,
    LexiconSet,
    effective_lexicons,
    package_lexicons,
    validate_entry,
)
from govsite.content.matcher import matcher_for
from govsite.content.normalize import normalize, normalize_term

from .helpers import corpus, page, run_content, snapshot

CATEGORY_FILES = {
    "色情词库.txt": "色情",
    "色情类型.txt": "色情",
    "暴恐词库.txt": "暴力",
    "涉枪涉爆.txt": "暴力",
    "反动词库.txt": "反动",
}
BUILTIN_RECALL_FLOOR = {"色情": 0.015, "暴力": 0.06, "反动": 0.005}


def public_words() -> dict[str, tuple[str, str]]:
    root = corpus("zh-lexicons/sensitive-lexicon/Vocabulary")
    words: dict[str, tuple[str, str]] = {}
    for name, category in CATEGORY_FILES.items():
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if len(normalize_term(word)) >= 2:
                words.setdefault(normalize_term(word), (word, category))
    return words


def injected_found(matcher, word: str) -> bool:  # noqa: ANN001
    text = normalize(f"网站页面中出现了{word}的内容。").text
    return any(h.entry.kind == "banned" for h in matcher.scan(text))


def clean_official_sentences() -> list[str]:
    path = corpus("zh-typos/ecspell/domains_data/odw.train")
    return [line.rstrip("\n").split("\t")[2] for line in path.read_text(encoding="utf-8").splitlines()]


def test_builtin_banned_list_recall_on_public_lists_meets_its_measured_floor() -> None:
    words = public_words()
    matcher = matcher_for(package_lexicons())
    total, found = Counter(), Counter()
    for word, category in words.values():
        total[category] += 1
        found[category] += injected_found(matcher, word)
    recall = {c: found[c] / total[c] for c in total}
    print({c: f"{found[c]}/{total[c]} = {recall[c]:.3f}" for c in total})
    assert all(recall[c] >= floor for c, floor in BUILTIN_RECALL_FLOOR.items()), recall


def test_public_lists_loaded_as_a_user_lexicon_are_found_at_99_percent() -> None:
    entries = []
    for word, category in public_words().values():
        entry = Entry(kind="banned", wrong=word, category=category, origin="public list")
        try:
            validate_entry(entry)
        except LexiconError:
            continue
        entries.append(entry)
    matcher = matcher_for(effective_lexicons(LexiconSet(entries=tuple(entries))))
    missed = [e.wrong for e in entries if not injected_found(matcher, e.wrong)]
    assert len(missed) / len(entries) <= 0.01, missed
    assert {"信访", "上访", "维权"} <= set(missed)  # allow-listed official vocabulary, by design


def test_builtin_lists_raise_no_false_alarm_on_clean_official_sentences() -> None:
    matcher = matcher_for(package_lexicons())
    alarms = [
        (s, [h.entry.wrong for h in matcher.scan(normalize(s).text)]) for s in clean_official_sentences()
    ]
    assert [a for a in alarms if a[1]] == []


def test_typo_false_alarm_rate_on_clean_official_sentences_is_below_one_percent() -> None:
    """The corrected (clean) side of ECSpell 公文: measured 0.2 % of sentences flagged (3 of 1,720:
    正监会 and 食业 are slips the corpus itself left uncorrected, 驾长车 is a line of 《满江红》)."""
    sentences = clean_official_sentences()
    body = "".join(f"<p>{s}</p>" for s in sentences)
    judgement = run_content(snapshot(page(f"<html><body>{body}</body></html>")))
    flagged = {f.evidence["context"] for f in judgement.findings if f.rule == "content.typo"}
    print(sorted(f.detail for f in judgement.findings))
    assert len(flagged) / len(sentences) < 0.01, sorted(flagged)
    assert not [f for f in judgement.findings if f.rule != "content.typo"]


def test_corpus_helper_names_the_shared_folder() -> None:
    assert Path(corpus("zh-typos/ecspell/PROVENANCE.md")).name == "PROVENANCE.md"
