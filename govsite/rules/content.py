"""Content rules: 严重表述错误, 一般错别字, 违规内容, 暗链/挂马 (standards.md V15-4, V19-1).

The text pipeline lives in `govsite.content`; these rules only turn its hits into findings.
One finding per occurrence per page, except that a block repeated on many pages (a navigation
bar, a footer, a headline shown on list and article pages) is one finding for the site, on the
first page that shows it, with `pages` saying on how many pages it appeared.
"""

from __future__ import annotations

from govsite.content.scan import SiteHidden, TextHit, hidden_items, lexicon_hits, typo_hits
from govsite.content.text import is_text_page, site_blocks
from govsite.findings import Finding
from govsite.rules.base import NEED_PAGES, NotMeasured, RuleContext, RuleMeta, rule
from govsite.snapshot import SiteSnapshot

NO_TEXT = "未采集到含可见文字的网页（页面可能由脚本生成），无法检查内容"


def _require_text(snap: SiteSnapshot) -> None:
    """Not measured when the crawl saw no page with visible text: no text is no evidence."""
    if not site_blocks(snap):
        raise NotMeasured(NO_TEXT)


SERIOUS = RuleMeta(
    id="content.serious_error",
    name_zh="严重表述错误",
    family="content",
    needs=(NEED_PAGES,),
    evidence=("wrong", "correct", "context", "category", "source", "position", "pages"),
    tags=("gb2019:V19-1", "gb2015:V15-4"),
    help_zh="领导人姓名职务、机构名称、重要政治表述或文件名称写错（依据内置及用户词表）。",
)


@rule(SERIOUS)
def serious_error(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A page misspells a leader's name or title, an organ's name, a core formulation or a document.

    What it checks: every distinct text block of the crawled pages (titles included), normalized
        (full/half width, traditional → simplified, zero-width and spacing tricks such as 习 近 平
        removed), against the curated lexicon `govsite/lexicons/serious_errors.yaml` plus the
        user's `--lexicon` files: a wrong form with its correct form, category and source. An
        entry's context rules (allow phrases, next/prev patterns) keep correct neighbours out
        (学习近乎 is not 习近乎; 不忘初衷 alone is an ordinary idiom).
    Why it matters: "出现严重表述错误" is the first of the 2019 veto items (安全、泄密事故等严重问题,
        standards.md V19-1, grade B), and 2015 vetoed "将党和国家领导人姓名写错" (V15-4, grade A).
        Spot-check 通报 list such pages by name (e.g. 青海 2023 Q3 附件3 文字表述错误).
    Example: a news item reading "深入学习贯彻习近乎新时代中国特色社会主义思想", or
        "十九大四中全会" for 十九届四中全会.
    References: standards.md V19-1, V15-4, §5; docs/content.md (lexicon format and sources).
    """
    _require_text(snap)
    return [
        _text_finding(
            SERIOUS,
            hit,
            f"严重表述错误：“{hit.wrong}”应为“{hit.correct}”（{hit.category}）",
            {"correct": hit.correct, "category": hit.category, "source": hit.source},
        )
        for hit in lexicon_hits(snap, ctx.lexicons).serious
    ]


TYPO = RuleMeta(
    id="content.typo",
    name_zh="一般错别字",
    family="content",
    needs=(NEED_PAGES,),
    evidence=("wrong", "suggestion", "context", "method", "position", "pages"),
    tags=("gb2019:V19-1", "gb2015:V15-4"),
    help_zh="疑似错别字（公文常见错词表，及同音/形近字候选经词频上下文核验），附修改建议。",
)


@rule(TYPO)
def typo(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A page carries a wrong word of ordinary writing (错别字), with a suggested correction.

    What it checks: the same normalized text blocks, first against the curated pair list
        `typo_pairs.yaml` (布署→部署, 贯切落实→贯彻落实, 截止目前→截至目前 …, with context rules), then
        with the confusion-set detector: one-character same-pinyin or look-alike variants of
        frequent words are found in one automaton pass and kept only when jieba's word
        frequencies make the corrected sentence far more probable in context (details in
        govsite/content/typo.py and docs/content.md). Tuned for precision; a place already
        reported as 严重表述错误 is not reported again.
    Why it matters: 错别字 on a government page undermine its authority and are what the public
        reports through 我为政府网站找错; the 2019 indicators count wrong wording under V19-1 when
        it is serious, and inspectors list ordinary typos in their 通报 annexes.
    Example: "认真贯彻落实会议布署" → suggestion 部署; "截止目前已完成" → 截至目前.
    References: standards.md V19-1, §5; bench/eval_typo.py (precision/recall on SIGHAN-15 and
        ECSpell 公文).
    """
    _require_text(snap)
    return [
        _text_finding(
            TYPO,
            hit,
            f"疑似错别字：“{hit.wrong}”，建议改为“{hit.correct}”",
            {"suggestion": hit.correct, "method": hit.method},
        )
        for hit in typo_hits(snap, ctx.lexicons)
    ]


BANNED = RuleMeta(
    id="content.banned",
    name_zh="违规内容（反动/暴力/色情/赌博）",
    family="content",
    needs=(NEED_PAGES,),
    evidence=("matched", "category", "context", "position", "pages"),
    tags=("gb2019:V19-1", "gb2015:V15-4"),
    help_zh="页面文字出现赌博、色情、暴力或反动内容用语（执法通报等正当语境除外）。",
)


@rule(BANNED)
def banned(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A page's text carries gambling, pornographic, violent or reactionary content.

    What it checks: the normalized text blocks against `banned.yaml` (small, specific lists in
        the four categories) plus the user's lists. A word inside an allow phrase (打击网络赌博,
        扫黄打非, and official vocabulary such as 信访, 拆迁, 腐败) or in the same sentence as an
        enforcement cue (查处, 严禁, 举报, 取缔 …) is legitimate and not reported.
    Why it matters: "发布或链接反动、暴力、色情等内容" is a veto item (standards.md V19-1, grade B;
        V15-4, grade A). Such text on a government page usually means the site was hacked.
    Example: a hidden block "澳门赌场 真人娱乐 注册送彩金" injected into a news page; but not a
        公安 notice "严厉打击网络赌博违法犯罪活动".
    References: standards.md V19-1, V15-4; docs/content.md (allow-lists and cues).
    """
    _require_text(snap)
    return [
        _text_finding(
            BANNED,
            hit,
            f"出现{hit.category}类违规内容：“{hit.wrong}”",
            {"matched": hit.wrong, "category": hit.category},
            wrong_key=False,
        )
        for hit in lexicon_hits(snap, ctx.lexicons).banned
    ]


HIDDEN = RuleMeta(
    id="content.hidden_link",
    name_zh="暗链/挂马",
    family="content",
    needs=(NEED_PAGES,),
    evidence=("kind", "how_hidden", "category", "text", "position", "pages"),
    tags=("gb2019:V19-1",),
    help_zh="页面含对访问者隐藏、指向赌博色情或无关外部网站的链接，隐藏的外部框架，或被注入的外部脚本。",
)

_KIND_ZH = {"link": "隐藏链接", "iframe": "隐藏框架", "script": "注入脚本"}


@rule(HIDDEN)
def hidden_link(snap: SiteSnapshot, ctx: RuleContext) -> list[Finding]:
    """A page hides links to foreign gambling/porn/unrelated sites, a frame, or carries an injected script.

    What it checks: on every crawled page, links, iframes and scripts hidden from readers by
        CSS (display:none, visibility:hidden, off-screen positioning, zero size with overflow
        hidden, font-size 0, opacity 0, text in its background's colour, one-pixel or racing
        marquee, a container written by document.write) — inline styles, hidden attributes and
        the page's own <style> rules, ancestors included — whose target is foreign to the site
        and not a government or known service host; scripts placed before <html> or after
        </html>. A hidden link is reported when it points at gambling/porn/spam (text, URL or
        host), when it is hidden by a cloaking trick, or when it is one of a farm of unrelated
        links; hidden menus of the site's own pages are never reported.
    Why it matters: 暗链 and 挂马 are the visible traces of a compromised site; V19-1 vetoes "对安全
        攻击(如页面被挂马、内容被篡改等)没有及时有效处置" and "发布或链接反动、暴力、色情等内容"
        (standards.md V19-1, grade B).
    Example: <div style="position:absolute;left:-9999px"><a href="http://bet-888.com/">真人娱乐</a></div>
        in a footer; <script src="http://evil.example/x.js"></script> after </html>.
    References: standards.md V19-1, §6; govsite/content/hidden.py; docs/content.md.
    """
    pages = [p for p in snap.pages if is_text_page(p)]
    if not pages:
        raise NotMeasured("未采集到可解析的网页，无法检查暗链")
    return [_hidden_finding(found) for found in hidden_items(snap, ctx.lexicons)]


def _text_finding(
    meta: RuleMeta, hit: TextHit, detail: str, extra: dict[str, str], *, wrong_key: bool = True
) -> Finding:
    evidence = dict(extra)
    if wrong_key:
        evidence["wrong"] = hit.wrong
    evidence.update({"context": hit.context, "position": hit.block.position, "pages": len(hit.block.pages)})
    return Finding(rule=meta.id, url=hit.block.page.url, detail=detail, evidence=evidence)


def _hidden_finding(found: SiteHidden) -> Finding:
    item = found.item
    detail = f"{_KIND_ZH[item.kind]}（{item.category}）：{item.target}，{item.how}"
    return Finding(
        rule=HIDDEN.id,
        url=found.page.url,
        target=item.target,
        detail=detail,
        evidence={
            "kind": item.kind,
            "how_hidden": item.how,
            "category": item.category,
            "text": item.text,
            "position": item.position,
            "pages": found.pages,
        },
    )
