"""content.typo's detector: confusion-set candidates, verified by word frequencies in context.

The classical recipe (segment with jieba, look up suspicious tokens in same-pinyin/same-shape
confusion sets, keep corrections that the word frequencies favour) is run inside out so that
it costs almost nothing on clean text:

1. *Candidates, built once.* For every frequent word of jieba's dictionary (and of our own
   `official_words.yaml`), every one-character substitution by a same-pinyin character
   (pypinyin, primary reading, tone ignored) or a look-alike (`shape_groups.yaml`, ours) that
   is *not* itself a word becomes a candidate wrong form (布署 → 部署, 大数局 → 大数据). All of
   them go into one Aho–Corasick automaton, so finding candidates is a single linear scan.
2. *Verification, per hit.* The window around a hit is segmented twice with jieba's unigram
   frequencies (its maximum-probability route), as written and as corrected. A hit is kept
   only when the corrected reading is much more probable (`MIN_GAIN`), the correction is read
   as a word, and no word of the text as written straddles the hit (then the characters
   belong to legitimate neighbours: 参考和借鉴 is not 考核).

Precision comes first — a false accusation on a government page is worse than a miss — so
several plausible-but-risky hits are dropped on purpose: two-character hits made of two very
common single-character words (由其, 日起), hits followed by a place or organisation suffix
(…村, …社区, …集团) and hits right after a title (names). Jieba's dictionary ships inside its
wheel, so all of this runs offline.
"""

from __future__ import annotations

import logging
import math
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import ahocorasick_rs
import yaml

from govsite.content.slices import find_matches

# Which dictionary words become correction targets, by length, with their jieba frequency
# floor. Chosen for precision by comparing a few settings on SIGHAN-15 and ECSpell together
# (lowering the two-character floor to 300 cost 4 points of precision on both; no sentence was
# listed or special-cased): rarer two-character words produce more look-alike pairs that occur
# innocently across word boundaries than real errors.
TARGET_MIN_FREQ = {2: 1000, 3: 50, 4: 20}
# Minimum log-probability gain of the corrected window over the window as written, by target
# length (read off the gain histogram of true and false hits on the same two sets). Longer
# targets are less likely to arise by chance, so they need less evidence.
MIN_GAIN = {2: 6.0, 3: 5.0, 4: 4.0}
# Characters of context each side of a hit that the segmentation sees.
WINDOW = 4
# Homophones are drawn from this many most frequent characters only: rare characters as
# candidates add automaton size and almost no real errors.
COMMON_CHARS = 4000
# Two-character hits whose two characters are both standalone words at least this frequent are
# ordinary word boundaries far more often than typos (由其 in 由其所在单位, 日起 in 之日起施行).
SINGLE_WORD_FREQ = 20_000
# Frequency given to words of official_words.yaml that jieba lacks (assumption: a mid-frequency
# word, so they segment as words without outweighing common vocabulary).
OFFICIAL_WORD_FREQ = 3_000

# Home pages cut long titles with an ellipsis: a word cut in half (新理… for 新理念) is not a typo.
TRUNCATION = frozenset("….")
# Names of places, organisations and people are outside any dictionary and often one
# character away from a common word (一坊社区, 中国一冶集团, 彭一芳同志): hits right before a
# place or organisation suffix, or next to a title, are left alone.
PLACE_SUFFIX = frozenset("村镇乡路街巷庄屯寨县湖桥岭坡沟湾岛峪堡")
ORG_SUFFIX = ("社区", "街道", "集团", "公司", "小区", "大道", "新区", "片区", "工业园", "嘎查")
TITLES = frozenset(
    (
        "主任",
        "书记",
        "局长",
        "处长",
        "科长",
        "同志",
        "委员",
        "代表",
        "记者",
        "队长",
        "经理",
        "校长",
        "院长",
        "部长",
        "县长",
        "市长",
        "区长",
        "镇长",
        "乡长",
        "村长",
        "厅长",
        "省长",
        "主席",
        "秘书",
        "干事",
        "老师",
        "教授",
        "医生",
        "律师",
        "组长",
        "社长",
        "站长",
        "所长",
        "馆长",
        "行长",
        "会长",
        "董事",
        "监事",
        "总监",
        "主持",
        "讲解",
        "通讯员",
        "摄影",
        "先生",
        "女士",
        "等同志",
    )
)

METHOD_SOUND = "同音"
METHOD_SHAPE = "形近"
_PREFIX_ONLY = 1.0  # marks a dictionary prefix that is not itself a word (log-probs are < 0)


@dataclass(frozen=True)
class TypoHit:
    """A suspected wrong word in normalized text: span, what is written, the suggestion."""

    start: int
    end: int
    wrong: str
    suggestion: str
    method: str
    gain: float


class LanguageModel:
    """Unigram word log-probabilities (jieba's dictionary plus ours) and the best segmentation."""

    def __init__(self, freq: dict[str, int]) -> None:
        total = sum(freq.values())
        self.log_total = math.log(total)
        self.unknown = -self.log_total  # jieba scores an unknown character as frequency 1
        logp: dict[str, float] = {}
        for word, f in freq.items():
            if f > 0:
                logp[word] = math.log(f) - self.log_total
        for word in list(logp):
            for i in range(1, len(word)):
                logp.setdefault(word[:i], _PREFIX_ONLY)
        self.logp = logp
        self.freq = freq

    def single_freq(self, char: str) -> int:
        return self.freq.get(char, 0)

    def best(
        self, text: str, *, tail: list[float] | None = None, until: int | None = None
    ) -> tuple[float, list[tuple[int, int]], list[float]]:
        """Maximum-probability segmentation of `text` (jieba's route): score, token spans and
        the per-position scores.

        With `tail` (the scores of another text that shares `text[until:]`), positions from
        `until` on are taken from it instead of recomputed — a corrected window differs from the
        written one only before the end of the hit — and only the tokens starting before
        `until` are returned.
        """
        n = len(text)
        get = self.logp.get
        unknown = self.unknown
        score = [0.0] * (n + 1)
        nxt = list(range(1, n + 2))
        first = n - 1
        if tail is not None and until is not None:
            score[until:] = tail[until:]
            first = until - 1
        for k in range(first, -1, -1):
            value = get(text[k])
            best = (unknown if value is None or value > 0 else value) + score[k + 1]
            end = k + 1
            j = k + 2
            while j <= n:
                value = get(text[k:j])
                if value is None:
                    break
                if value < 0 and value + score[j] > best:
                    best, end = value + score[j], j
                j += 1
            score[k], nxt[k] = best, end
        tokens = []
        k = 0
        stop = n if tail is None or until is None else until  # after `until`: the other text's route
        while k < stop:
            tokens.append((k, nxt[k]))
            k = nxt[k]
        return score[0], tokens, score


@dataclass
class ConfusionIndex:
    """The candidate automaton: pattern i is a wrong form of `targets[code[i] >> 1]`.

    The low bit of `code[i]` says how the wrong character resembles the right one (0 sound,
    1 shape). Patterns themselves are not kept (1.2 million strings): a hit is its own text.
    """

    automaton: ahocorasick_rs.AhoCorasick
    targets: list[str]
    code: array
    size: int
    newline_free: bool = True  # no pattern holds a line break: scans may go slice by slice

    def correction(self, pattern: int) -> tuple[str, str]:
        code = self.code[pattern]
        return self.targets[code >> 1], METHOD_SHAPE if code & 1 else METHOD_SOUND


def _package_yaml(name: str) -> dict:
    return yaml.safe_load(resources.files("govsite.lexicons").joinpath(name).read_text(encoding="utf-8"))


def official_words() -> list[str]:
    return [str(w) for w in _package_yaml("official_words.yaml")["words"]]


def shape_groups() -> list[str]:
    return [str(g) for g in _package_yaml("shape_groups.yaml")["groups"]]


@cache
def language_model() -> LanguageModel:
    """jieba's dictionary frequencies plus our official vocabulary, loaded once per process."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    freq = {w: f for w, f in jieba.dt.FREQ.items() if f > 0}
    for word in official_words():
        freq[word] = max(freq.get(word, 0), OFFICIAL_WORD_FREQ)
    return LanguageModel(freq)


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def confusables(lm: LanguageModel) -> dict[str, dict[str, int]]:
    """For each character, the characters it may be mistaken for, with the method code.

    Sound: same primary pinyin, tone ignored, among the COMMON_CHARS most frequent characters.
    Shape: our curated look-alike groups.
    """
    from pypinyin import Style, lazy_pinyin

    weight: Counter[str] = Counter()
    for word, f in lm.freq.items():
        for char in word:
            weight[char] += f
    common = [c for c, _ in weight.most_common() if _is_cjk(c)][:COMMON_CHARS]
    by_sound: dict[str, list[str]] = {}
    for char in common:
        by_sound.setdefault(lazy_pinyin(char, style=Style.NORMAL)[0], []).append(char)
    out: dict[str, dict[str, int]] = {}
    for group in by_sound.values():
        for char in group:
            out.setdefault(char, {}).update({o: 0 for o in group if o != char})
    for group in shape_groups():
        for char in group:
            out.setdefault(char, {}).update({o: 1 for o in group if o != char and o not in out[char]})
    return out


@cache
def confusion_index() -> ConfusionIndex:
    """Build the candidate automaton (a few seconds, once per process).

    Targets are visited from the most frequent down, so a wrong form that is one character away
    from two words is corrected to the more frequent one. Patterns are sorted before the build:
    the automaton then shares prefixes as it goes and builds four times faster.
    """
    lm = language_model()
    conf = confusables(lm)
    official = set(official_words())
    targets = sorted(
        (
            w
            for w, f in lm.freq.items()
            if len(w) in TARGET_MIN_FREQ
            and (f >= TARGET_MIN_FREQ[len(w)] or w in official)
            and all(map(_is_cjk, w))
        ),
        key=lambda w: -lm.freq[w],
    )
    codes: dict[str, int] = {}
    for idx, word in enumerate(targets):
        for i, char in enumerate(word):
            for other, method in conf.get(char, {}).items():
                codes.setdefault(word[:i] + other + word[i + 1 :], idx << 1 | method)
    patterns = sorted(v for v in codes if v not in lm.freq)
    automaton = ahocorasick_rs.AhoCorasick(
        patterns, implementation=ahocorasick_rs.Implementation.ContiguousNFA, store_patterns=False
    )
    return ConfusionIndex(automaton, targets, array("I", (codes[p] for p in patterns)), len(patterns),
                          newline_free=not any("\n" in p for p in patterns))


def _guarded(text: str, start: int, end: int, wrong: str, lm: LanguageModel) -> bool:
    """Precision guards that need no segmentation (see the module docstring)."""
    if len(wrong) == 2 and min(lm.single_freq(wrong[0]), lm.single_freq(wrong[1])) >= SINGLE_WORD_FREQ:
        return True
    after = text[end : end + 3]
    if after[:1] in TRUNCATION or after[:1] in PLACE_SUFFIX or after.startswith(ORG_SUFFIX):
        return True
    if after[:2] in TITLES or after in TITLES:
        return True
    return text[max(0, start - 2) : start] in TITLES or text[max(0, start - 3) : start] in TITLES


def _verify(text: str, start: int, end: int, target: str, lm: LanguageModel) -> float | None:
    """The log-probability gain of the correction in context, or None when it is not credible."""
    a = max(0, start - WINDOW)
    b = min(len(text), end + WINDOW)
    return _judge_window(text[a:b], start - a, end - a, target)


# Official prose is formulaic: the same window around the same candidate recurs across pages
# and sites, so verdicts are memoized (bounded, so memory stays flat on a national census).
@lru_cache(maxsize=200_000)
def _judge_window(window: str, s: int, e: int, target: str) -> float | None:
    lm = language_model()
    written, tokens, scores = lm.best(window)
    if any(y - x >= 2 and (x < s < y or x < e < y) for x, y in tokens):
        return None
    changed = [s + i for i, (a, b) in enumerate(zip(window[s:e], target, strict=True)) if a != b]
    if any(y - x >= 2 and x <= c < y for x, y in tokens for c in changed):
        return None  # the "wrong" character is part of a real word as written (主展场 = 主 + 展场)
    corrected, fixed, _ = lm.best(window[:s] + target + window[e:], tail=scores, until=e)
    if not any(y - x >= 2 and x <= s and y >= e for x, y in fixed):
        return None
    gain = corrected - written
    return gain if gain >= MIN_GAIN[len(target)] else None


def find_typos(text: str, *, skip: list[tuple[int, int]] | None = None) -> list[TypoHit]:
    """Suspected wrong words in normalized `text`, best first among overlapping ones.

    `skip` spans (already reported by a lexicon entry) are never reported again here.
    """
    index = confusion_index()
    lm = language_model()
    found: list[TypoHit] = []
    for pattern, start, end in find_matches(index.automaton, text, newline_free=index.newline_free):
        wrong = text[start:end]
        if _guarded(text, start, end, wrong, lm):
            continue
        fix = index.correction(pattern)
        gain = _verify(text, start, end, fix[0], lm)
        if gain is not None:
            found.append(TypoHit(start, end, wrong, fix[0], fix[1], round(gain, 2)))
    taken = list(skip or ())
    kept = []
    for hit in sorted(found, key=lambda h: (-h.gain, h.start)):
        if any(hit.start < e and s < hit.end for s, e in taken):
            continue
        taken.append((hit.start, hit.end))
        kept.append(hit)
    return sorted(kept, key=lambda h: h.start)
