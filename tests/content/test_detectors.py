"""Each content check on crafted sentences and pages: what it must find, what it must leave alone."""

from __future__ import annotations

from datetime import date

import pytest

from govsite.content.lexicon import Entry, LexiconSet
from govsite.content.normalize import normalize
from govsite.content.typo import find_typos
from govsite.rules.base import RuleContext

from .helpers import HOME, html_of, page, run_content, snapshot


def typos(text: str) -> list[tuple[str, str]]:
    return [(h.wrong, h.suggestion) for h in find_typos(normalize(text).text)]


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("要加强统愁协调，形成工作合力。", "统愁", "统筹"),
        ("发展大数局产业，推动融合发展。", "大数局", "大数据"),
        ("持续优化营商环竟，激发市场活力。", "营商环竟", "营商环境"),
        ("推动东北老工业基地全面震兴。", "震兴", "振兴"),
    ],
)
def test_confusion_set_detector_finds_one_character_slips(text: str, wrong: str, right: str) -> None:
    assert (wrong, right) in typos(text)


@pytest.mark.parametrize(
    "text",
    [
        "会议听取了区发展和改革委员会主任高雨单同志的工作汇报。",  # a name after a title
        "西北旺镇一坊社区党委书记带队走访辖区企业。",  # a place name before 社区
        "本次学习参考和借鉴了兄弟区的经验做法。",  # 考和 straddles two words
        "大学课程进小学“高参小”带来新理...",  # a title cut by an ellipsis
        "自2026年1月1日起施行，由其所在单位负责解释。",  # two common single-character words
        "坚持因地制宜、分类施策，开展先行先试。",
        "深入开展疫情防控工作，扎实推进一网通办改革。",
    ],
)
def test_confusion_set_detector_leaves_correct_official_text_alone(text: str) -> None:
    assert typos(text) == []


def test_typo_rule_reports_curated_pairs_with_context_and_method() -> None:
    body = "<p>认真落实会议布署。</p><p>截止2026年10月底，已完成。</p><p>报名截止日期为11月30日。</p>"
    findings = run_content(snapshot(page(html_of(body)))).findings
    got = {
        (f.evidence["wrong"], f.evidence["suggestion"], f.evidence["method"])
        for f in findings
        if f.rule == "content.typo"
    }
    assert got == {("布署", "部署", "词表"), ("截止", "截至", "词表")}


def test_a_serious_error_is_not_reported_again_as_a_typo() -> None:
    findings = run_content(snapshot(page(html_of("<p>最高人民检查院发布典型案例。</p>")))).findings
    assert [(f.rule, f.evidence["wrong"]) for f in findings] == [("content.serious_error", "人民检查院")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("澳门赌场线上开户，真人视讯注册送彩金。", ["澳门赌场", "真人视讯", "注册送彩金"]),
        ("最新AV女优高清在线观看", ["AV女优"]),
        ("我局依法查处一起利用网络赌博平台敛财的案件。", []),  # enforcement cue in the sentence
        ("深入开展扫黄打非工作，严厉打击网络赌博。", []),  # allow phrases
        ("javav女优", []),  # an ASCII term must stand as a word
        ("网络赌博。严禁参与！", ["网络赌博"]),  # a cue in the next sentence does not count
    ],
)
def test_banned_words_and_their_legitimate_contexts(text: str, found: list[str]) -> None:
    findings = run_content(snapshot(page(html_of(f"<p>{text}</p>")))).findings
    assert [f.evidence["matched"] for f in findings if f.rule == "content.banned"] == found


def test_a_template_block_on_many_pages_is_one_finding_with_its_page_count() -> None:
    footer = "<div class='footer'>主办单位：海淀区人力资源与社会保障局</div>"
    pages = [
        page(html_of(f"<p>第{i}页正文。</p>{footer}"), HOME if i == 0 else f"{HOME}xwzx/{i}.html")
        for i in range(3)
    ]
    findings = [f for f in run_content(snapshot(*pages)).findings if f.rule == "content.serious_error"]
    assert len(findings) == 1
    assert findings[0].url == HOME and findings[0].evidence["pages"] == 3
    assert findings[0].evidence["position"] == "body > div.footer"


def test_user_lexicon_in_the_rule_context_extends_the_check() -> None:
    snap = snapshot(page(html_of("<p>海淀区人民政付召开会议。</p>")))
    assert not [f for f in run_content(snap).findings if f.rule == "content.serious_error"]
    user = LexiconSet(
        entries=(
            Entry(
                kind="serious",
                wrong="人民政付",
                correct="人民政府",
                category="机构名称",
                source="本区",
                origin="mine.yaml:3",
            ),
        )
    )
    snap = snapshot(page(html_of("<p>海淀区人民政付召开会议。</p>")))
    findings = run_content(snap, RuleContext(as_of=date(2026, 11, 23), lexicons=user)).findings
    assert [(f.rule, f.evidence["source"]) for f in findings] == [("content.serious_error", "本区")]


def test_a_site_without_visible_text_is_not_measured() -> None:
    shell = page('<html><body><div id="app"></div><script src="/app.js"></script></body></html>')
    judgement = run_content(snapshot(shell))
    assert not judgement.findings
    assert {"content.serious_error", "content.typo", "content.banned"} <= set(judgement.unmeasured_rules)


def hidden(body: str, head: str = "", tail: str = "") -> list[tuple[str, str, str]]:
    html = html_of(body, head) + tail
    return [
        (f.target or "", f.evidence["category"], f.evidence["how_hidden"])
        for f in run_content(snapshot(page(html))).findings
        if f.rule == "content.hidden_link"
    ]


@pytest.mark.parametrize(
    ("body", "how"),
    [
        ('<div style="font-size:0"><a href="http://www.x-casino.com/">入口</a></div>', "font-size:0"),
        (
            '<div style="height:0;overflow:hidden"><a href="http://www.x-casino.com/">入口</a></div>',
            "尺寸为0",
        ),
        ('<marquee width="1" height="1"><a href="http://www.x-casino.com/">入口</a></marquee>', "marquee"),
        ('<div style="text-indent:-9999px"><a href="http://www.x-casino.com/">入口</a></div>', "text-indent"),
        (
            '<div style="background:#ffffff"><a style="color:#FFF" href="http://www.x-casino.com/">入口</a></div>',
            "文字颜色与背景色相同",
        ),
        (
            '<script>document.write("<div style=\'display:none\'>")</script><a href="http://www.x-casino.com/">入口</a>'
            '<script>document.write("</div>")</script>',
            "document.write",
        ),
        ('<div id="ad"><a href="http://www.x-casino.com/">入口</a></div>', "样式表"),
    ],
)
def test_cloaked_links_to_gambling_hosts_are_found(body: str, how: str) -> None:
    head = "<style>#ad{visibility:hidden}</style>"
    found = hidden(body, head)
    assert len(found) == 1 and found[0][0] == "http://www.x-casino.com/" and found[0][1] == "赌博"
    assert how in found[0][2]


def test_hidden_menus_sister_sites_and_mirror_choices_are_not_dark_links() -> None:
    body = (
        '<ul class="sub" style="display:none"><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="http://www.bjhd.gov.cn/xxgk/">信息公开</a></li><li><a href="http://zwfw.bjhd.gov.cn/">办事</a></li>'
        '<li><a href="http://www.beijing.gov.cn/">首都之窗</a></li></ul>'
        '<dl style="display:none"><a href="http://220.180.239.166/">电信线路</a><a href="http://111.39.234.148/">移动线路</a></dl>'
        '<div style="display:none"><a href="http://service.weibo.com/share/">分享到微博</a></div>'
        '<a href="http://www.example-shop.com/">可见的外部链接</a>'
    )
    assert hidden(body) == []


def test_scripts_pasted_outside_the_document_are_injections() -> None:
    found = hidden(
        "<p>正文</p>",
        tail='<script src="http://www.evil-cdn.example/j.js"></script>'
        '<script>if(document.referrer.indexOf("baidu")>0){location.href="http://www.x.example/"}</script>',
    )
    assert ("http://www.evil-cdn.example/j.js", "外部脚本注入", "位于</html>之后") in found
    assert ("http://www.x.example/", "可疑内联脚本", "位于</html>之后的内联脚本") in found
    assert hidden("<p>正文</p>", head='<script src="https://hm.baidu.com/hm.js"></script>') == []


def test_an_unknown_foreign_link_hidden_beside_a_gambling_link_is_part_of_the_same_block() -> None:
    body = ('<div style="display:none"><a href="http://www.bet365-vip.com/">bet365</a> '
            '<a href="http://www.w88-asia.com/?aff=1688">w88</a></div>'
            '<div style="display:none"><a href="http://www.example-shop.com/">网店</a></div>')
    assert sorted(hidden(body)) == [("http://www.bet365-vip.com/", "赌博", "display:none"),
                                    ("http://www.w88-asia.com/?aff=1688", "无关外部网站", "display:none")]
