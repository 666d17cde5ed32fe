"""Normalisation folds what spammers and typists vary, and still quotes what the site wrote."""

from __future__ import annotations

import pytest

from govsite.content.lexicon import package_lexicons
from govsite.content.matcher import matcher_for
from govsite.content.normalize import normalize


@pytest.mark.parametrize(
    "written",
    [
        "习 近 乎",
        "习_近乎",
        "习*近*乎",
        "習近乎",
        "习\u200b近乎",
        "习　近　乎",
        "习-近-乎",
        "“习”近乎",
    ],
)
def test_spacing_tricks_traditional_and_zero_width_all_match(written: str) -> None:
    text = f"深入学习贯彻{written}新时代中国特色社会主义思想"
    norm = normalize(text)
    hits = [h for h in matcher_for(package_lexicons()).scan(norm.text) if h.entry.kind == "serious"]
    assert [h.entry.correct for h in hits] == ["习近平"]
    wrong, context = norm.quote(hits[0].start, hits[0].end)
    assert wrong == written.lstrip("“")  # the site's own spelling, tricks included
    assert wrong in context


def test_full_width_letters_and_digits_fold_to_half_width_lower_case() -> None:
    norm = normalize("ＡＶ女优１２３，ＧＯＶ")
    assert norm.text == "av女优123,gov"
    assert norm.offsets is None  # nothing deleted: offsets are the identity, at no cost


def test_quote_returns_the_original_span_and_about_twenty_characters_each_side() -> None:
    source = "前文" * 20 + "要加强统\u200b愁协调" + "后文" * 20
    norm = normalize(source)
    start = norm.text.index("统愁")
    wrong, context = norm.quote(start, start + 2)
    assert wrong == "统\u200b愁"
    assert context.startswith("…") and context.endswith("…")
    assert 40 <= len(context) <= 48


def test_ordinary_spaces_between_words_and_blocks_are_kept() -> None:
    assert normalize("通知公告 工作动态 政策文件").text == "通知公告 工作动态 政策文件"


def test_simplified_characters_that_are_also_traditional_are_not_rewritten() -> None:
    # OpenCC would turn 著 into 着 and 乾 into 干; simplified text uses both correctly.
    assert normalize("成效显著，乾隆年间").text == "成效显著,乾隆年间"
