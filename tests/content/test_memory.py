"""The content scan's memory bounds change nothing it finds: sliced scans give one scan's
matches, blocks keep no parsed tree yet name the same place, and pages are counted as before."""

from __future__ import annotations

import random

import pytest

from govsite.collect.spool import PageSpool
from govsite.content import slices
from govsite.content.lexicon import package_lexicons
from govsite.content.matcher import matcher_for
from govsite.content.normalize import normalize
from govsite.content.scan import BLOCK_SEPARATOR
from govsite.content.text import Block, css_path, page_blocks, site_blocks
from govsite.content.typo import confusion_index, find_typos

from .helpers import HOME, page, snapshot

SENTENCES = [
    "要加强统愁协调，形成工作合力。", "发展大数局产业，推动融合发展。", "持续优化营商环竟，激发市场活力。",
    "公安机关严厉打击网络赌博违法犯罪活动。",
    "根据《中华人民共和国政府信息公开条例》，现将有关事项通知如下。",
    "推动东北老工业基地全面震兴。", "截止目前，全区已完成投资12亿元。", "online casino 真人娱乐 注册送彩金",
]


def site_like_text(blocks: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    return BLOCK_SEPARATOR.join(
        normalize("".join(rng.choices(SENTENCES, k=rng.randint(1, 4)))).text for _ in range(blocks))


@pytest.mark.parametrize("slice_chars", [1, 50, 997])
def test_slices_find_exactly_one_scans_matches_in_order(slice_chars: int) -> None:
    text = site_like_text(300)
    matcher = matcher_for(package_lexicons())
    index = confusion_index()
    for automaton, newline_free in ((matcher.automaton, matcher.newline_free),
                                    (index.automaton, index.newline_free)):
        assert newline_free
        whole = automaton.find_matches_as_indexes(text, overlapping=True)
        assert whole  # the text has lexicon terms and candidate typos to find
        assert list(slices.find_matches(automaton, text, newline_free=True,
                                        slice_chars=slice_chars)) == whole


def test_scans_and_typos_are_the_same_in_slices(monkeypatch) -> None:
    text = site_like_text(200, seed=5)
    matcher = matcher_for(package_lexicons())
    whole_hits, whole_typos = matcher.scan(text), find_typos(text)
    monkeypatch.setattr(slices, "SLICE_CHARS", 64)
    assert matcher.scan(text) == whole_hits and whole_hits
    assert find_typos(text) == whole_typos and whole_typos


def test_a_pattern_with_a_line_break_is_scanned_whole() -> None:
    class Automaton:
        calls: list[str] = []

        def find_matches_as_indexes(self, text: str, overlapping: bool) -> list[tuple[int, int, int]]:
            self.calls.append(text)
            return []

    auto = Automaton()
    list(slices.find_matches(auto, "a\nb\n" * 10, newline_free=False, slice_chars=2))
    assert auto.calls == ["a\nb\n" * 10]


def test_blocks_name_their_place_without_keeping_the_tree() -> None:
    html = ("<html><head><title>通知</title></head><body><div id='nav'><a href='/'>首页</a></div>"
            "<ul class='list'><li>第一条</li><li>第二条</li><li>共同的页脚</li></ul>"
            "<div class='footer'><p>共同的页脚</p></div></body></html>")
    spool = PageSpool()
    pages = [page(html), spool.keep(page(html.replace("第一条", "第三条"), HOME + "a.html"))]
    pages.append(spool.keep(page(html, HOME + "b.html")))
    snap = snapshot(*pages)
    blocks = {b.text: b for b in site_blocks(snap)}
    assert not any(hasattr(b, name) for b in blocks.values() for name in ("node", "__dict__"))
    for block in blocks.values():  # the position a node would have given
        nodes: dict[str, object] = {}
        for text, node in page_blocks(block.page):
            nodes.setdefault(text, node)  # a block is where its text first shows
        assert block.position == css_path(nodes[block.text]) and block.position
    assert blocks["第三条"].page is pages[1]
    assert blocks["第三条"].position == "body > ul.list > li:nth-of-type(1)"
    assert blocks["共同的页脚"].pages == {HOME, HOME + "a.html", HOME + "b.html"}
    assert blocks["第三条"].pages == {HOME + "a.html"}


def test_a_block_counts_each_page_once() -> None:
    block = Block(text="x", page=page("<p>x</p>"), index=0)
    assert block.pages == set()
    for url in ("a", "a", "b", "a", "c"):
        block.add_page(url)
    assert block.pages == {"a", "b", "c"}
