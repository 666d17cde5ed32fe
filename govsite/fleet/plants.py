"""What each catalogue site carries for the update, blank, interaction, service and search rules.

These are the defects (and the traps next to them) of the content rules, kept apart from
`defects.py` so that a site's footer and link knobs and its content knobs can be read separately.
`SitePlants()` is a clean site: fresh columns, a working 留言 channel answered within days, a
政务服务 link, complete 办事指南 and a search box that finds titles. Every finding the plants
cause is derived later from the built plan (`facts.py`, `expect.py`), never listed here.

Ages are `Age`s back from as_of, so "exactly 6 months old" stays exactly 6 months whatever
as_of is, and the boundary traps keep sitting on their boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govsite.fleet.dates import Age
from govsite.fleet.names import (
    GJZWFW_HOST,
    HDJL_HOST,
    MESSAGES_NAME,
    MESSAGES_PATH,
    ZWFW_GZ_HOST,
    ZWFW_HOST,
)

# Date spellings a list row may use instead of its layout's own; "none" shows no date at all.
DATE_STYLES = ("slash", "dot", "short", "none")


@dataclass(frozen=True)
class ColumnPlant:
    """A 栏目 added to a site beyond its news/notice/policy/optional set.

    `headlines` are title patterns ({unit} {topic} {district} {year} {title_date}); `files` makes
    the items links to PDF files (no page, so no PubDate to fall back on); `newest` None draws the
    age from the type's usual freshness (content.FRESHNESS); `placeholder` makes a
    blank column ("" = an empty list, else the placeholder text shown instead of a list);
    `footnote` is printed under the list of the last page; `title_dates` puts a recent date in
    each title while the item itself stays as old as `newest` says.
    """

    name: str
    path: str
    type: str
    count: int = 8
    newest: Age | None = None
    gap: tuple[int, int] | None = None
    headlines: tuple[str, ...] = ()
    date_style: str | None = None
    files: bool = False
    placeholder: str | None = None
    footnote: str = ""
    title_dates: bool = False
    on_home: bool = True


@dataclass(frozen=True)
class PlantedMessage:
    """A 留言 planted at a given age; `answered_after` None means never answered."""

    title: str
    asked: Age
    answered_after: Age | None = None


@dataclass(frozen=True)
class ChannelPlan:
    """The site's 咨询建言 channel.

    `kind`: "table" (a 留言 list with status and reply date), "detail" (a list of titles and
    dates whose detail pages carry status and reply), "external" (a 信箱 on another host, no
    list on the site) or "none". `last_reply` stops replies that many days before as_of (the
    newest reply lands exactly on that day); `no_replies` leaves every message open. `side`
    adds 信访/举报 pages, which are not 咨询 channels.
    """

    kind: str = "table"
    name: str = MESSAGES_NAME
    path: str = MESSAGES_PATH
    url: str = ""
    last_reply: int | None = None
    no_replies: bool = False
    planted: tuple[PlantedMessage, ...] = ()
    side: tuple[tuple[str, str], ...] = ()
    open_status: str = "未回复"
    done_status: str = "已回复"


@dataclass(frozen=True)
class GuidePlant:
    """One 办事指南 of the site's 办事 column: the elements it leaves out, and whether its labels
    are synonyms (办理依据 for 设定依据 …) instead of the standard names."""

    missing: frozenset[str] = frozenset()
    synonyms: int = 0


@dataclass(frozen=True)
class SearchPlan:
    """The search form in the page header and how its endpoint behaves ("ok", "empty", "error")."""

    path: str = "/search"
    param: str = "keyword"
    method: str = "get"
    hidden: tuple[tuple[str, str], ...] = ()
    mode: str = "ok"
    button: str = "button"


@dataclass(frozen=True)
class SitePlants:
    """Every content knob of one site; the defaults make a clean site.

    `force`/`drop` add or remove optional column types (人事, 办事 …) after the random pick;
    `ages` fixes the newest item's age of a column type; `home_floor` keeps every column's newest
    item at least that many days old (so the home page is exactly as stale as planted);
    `date_styles` respells the list dates of a column type ("slash", "dot", "short", "none": no
    date in the row, so the article page has to date the item).
    """

    force: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    ages: tuple[tuple[str, Age], ...] = ()
    home_floor: int = 0
    date_styles: tuple[tuple[str, str], ...] = ()
    columns: tuple[ColumnPlant, ...] = ()
    nav_only: bool = False
    home_messages: bool = True
    channel: ChannelPlan = field(default_factory=ChannelPlan)
    guide_style: str | None = None
    guide_synonyms: int = 0
    guides: tuple[GuidePlant, ...] = ()
    service: str = "link"
    service_text: str = "政务服务"
    service_url: str = f"http://{ZWFW_HOST}/"
    search: SearchPlan | None = field(default_factory=SearchPlan)

    def age_of(self, column_type: str) -> Age | None:
        return dict(self.ages).get(column_type)

    def date_style(self, column_type: str) -> str | None:
        return dict(self.date_styles).get(column_type)


STREET_HEADLINES = (
    "中关园街道召开{topic}工作推进会", "东升街道开展{topic}专项检查",
    "西苑街道{topic}工作取得阶段性成效", "北湖街道组织开展{topic}主题宣传活动",
)
COMMUNITY_HEADLINES = (
    "{district}各社区卫生服务中心开展{topic}活动", "社区卫生服务中心{topic}工作取得新进展",
    "{district}基层医疗机构推进{topic}工作",
)
SCHOOL_HEADLINES = (
    "区属中小学开展{topic}主题活动", "{district}中小学{topic}工作推进会召开",
    "{district}举办{topic}专题培训",
)
TITLE_DATE_HEADLINES = (
    "{title_date}起开展{topic}专项巡查",
    "关于{title_date}召开{topic}工作调度会的预告",
    "{title_date}全区{topic}联合检查安排",
)
ARCHIVE_HEADLINES = (
    "{year}年{topic}专题",
    "聚焦{topic}——{year}年专题报道",
    "{year}年{district}{topic}成果展",
)
FILE_HEADLINES = (
    "{district}{topic}管理规定",
    "{district}关于加强{topic}管理的若干规定",
    "{district}{topic}实施细则",
)

PORTAL = SitePlants(
    force=("办事",),
    columns=(
        # Fresh, but dated only "11-20": the year must be inferred (trap).
        ColumnPlant("街道动态", "/xwzx/jddt/", "动态要闻", count=9, newest=Age(days=1),
                    gap=(1, 4), headlines=STREET_HEADLINES, date_style="short"),
        # Three years old, but a 历史专题 column is never stale (trap).
        ColumnPlant("往期专题", "/ztzl/wqzt/", "历史专题", count=5, newest=Age(months=36),
                    gap=(60, 120), headlines=ARCHIVE_HEADLINES),
        ColumnPlant("政府信息公开年报", "/zwgk/ndbg/", "其他", count=0, placeholder="暂无数据",
                    on_home=False),
    ),
    channel=ChannelPlan(planted=(
        # Answered four months after it was asked: late, but answered (trap).
        PlantedMessage("关于老旧小区加装电梯补贴政策的咨询", Age(months=8), Age(months=4)),
        # Never answered, but 14 months old: outside the one-year window (trap).
        PlantedMessage("建议在地铁站周边增设非机动车停放区", Age(months=14)),
    )),
    search=SearchPlan(path="/was5/web/search", param="searchword",
                      hidden=(("channelid", "236521"),), button="input"),
)

FGW = SitePlants(
    # 通知公告 rows carry no date; the article page's 发布时间 dates them (no PubDate here).
    date_styles=(("通知公告", "none"),),
    channel=ChannelPlan(
        kind="detail", name="在线咨询", path="/hdjl/zxzx.html", open_status="待回复",
        done_status="已答复",
        planted=(
            # The list shows only title and date; the detail page says 待回复 (finding).
            PlantedMessage("咨询重点项目前期工作经费申报时限", Age(days=100)),
            # Exactly three months old to the day: not *older* than 3 months (trap).
            PlantedMessage("关于居民阶梯电价执行标准的咨询", Age(months=3)),
            # Two months old and still open: not late yet (trap).
            PlantedMessage("节能改造项目补助资金何时拨付", Age(months=2)),
        ),
    ),
    service_text="网上办事",
    search=SearchPlan(path="/jsearch/search.do", param="q", hidden=(("webid", "35"),)),
)

JW = SitePlants(
    force=("办事",),
    # Fresh, dated "(11-20)" (trap).
    columns=(ColumnPlant("校园动态", "/xwzx/xydt/", "动态要闻", count=7, newest=Age(days=3),
                         gap=(2, 6), headlines=SCHOOL_HEADLINES, date_style="short"),),
    guide_style="para",
    guides=(
        GuidePlant(frozenset({"设定依据"})),
        GuidePlant(frozenset({"办理地点", "办理时间"})),
        GuidePlant(synonyms=1),
    ),
    # The newest reply is 50 days old: inside the 2-month window (trap).
    channel=ChannelPlan(last_reply=50),
    service_text="一网通办",
    search=SearchPlan(method="post"),
)

RSJ = SitePlants(
    force=("办事", "人事"),
    ages=(("人事", Age(months=13)),),
    guide_style="table",
    guides=(
        GuidePlant(frozenset({"申请条件", "办理材料", "办理流程"})),
        GuidePlant(frozenset({"事项名称"})),
        # Only the site footer prints 联系电话 on this page: the guide itself gives none.
        GuidePlant(frozenset({"联系电话"})),
        GuidePlant(synonyms=2),
    ),
    channel=ChannelPlan(
        name="政策咨询", path="/hdjl/zczx.html", open_status="办理中", done_status="已办结",
        planted=(PlantedMessage("灵活就业人员社保补贴申领后一直未到账", Age(days=200)),),
        side=(("网上信访", "/hdjl/wsxf.html"), ("纪检举报", "/hdjl/jjjb.html")),
    ),
    search=SearchPlan(path="/was5/web/search", param="searchword",
                      hidden=(("channelid", "218876"),)),
)

WJW = SitePlants(
    force=("办事",),
    ages=(("动态要闻", Age(days=40)),),
    date_styles=(("通知公告", "dot"),),
    # Fresh, dated "[11-20]" (trap: the year must be inferred).
    columns=(ColumnPlant("基层动态", "/xwzx/jcdt/", "动态要闻", count=8, newest=Age(days=2),
                         gap=(1, 5), headlines=COMMUNITY_HEADLINES, date_style="short"),),
    guide_style="para",
    guide_synonyms=1,
    # Its only channel is a 领导信箱 on the district's 互动 platform (trap: a channel exists).
    channel=ChannelPlan(kind="external", name="领导信箱", url=f"http://{HDJL_HOST}/ldxx/wjw.html"),
    search=SearchPlan(param="q", mode="error"),
)

# Hostile text as the public types it into a 留言. interaction.unanswered quotes a 留言's title
# in its finding (detail and evidence), so a census stores these in findings: the web
# application's escaping is proven on them in real Chromium (tests/web). Each, if ever run,
# would set window.__xss.
SCRIPT_PAYLOAD = "<script>window.__xss=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__xss=2">'

SCJGJ = SitePlants(
    ages=(("通知公告", Age(months=7)),),
    columns=(
        # One full page of items with 暂无更多 under it: not blank (trap).
        ColumnPlant("质量抽检公告", "/xxgk/zjgg/", "通知公告", count=6, newest=Age(days=5),
                    gap=(3, 9), headlines=("关于{year}年{topic}抽检结果的公告",
                                           "{topic}监督抽检信息公告"), footnote="暂无更多"),
    ),
    # Replies stopped 75 days ago (finding); one question from 100 days ago is still open.
    channel=ChannelPlan(last_reply=75, planted=(
        PlantedMessage("网购商品质量问题投诉后无人处理", Age(days=100)),
        # Unanswered too (findings), their titles carrying the payloads above.
        PlantedMessage(f"{SCRIPT_PAYLOAD}抽检不合格商品何时下架", Age(days=110)),
        PlantedMessage(f"{IMG_PAYLOAD}投诉商家虚假宣传无人受理", Age(days=130)),
    )),
    search=SearchPlan(path="/jsearch/search.do", param="q"),
)

ZJW = SitePlants(
    drop=("办事",),
    service="none",
    # Exactly six months old to the day: not older than 6 months (trap).
    ages=(("政策文件", Age(months=6)),),
    columns=(
        # PDFs without dates anywhere: a typed column with items but no dated item (finding).
        ColumnPlant("规范性文件", "/zwgk/gfxwj/", "政策文件", count=7, headlines=FILE_HEADLINES,
                    files=True, date_style="none", gap=(20, 60)),
        # Titles name a date two days ago; the items are 30+ days old (finding).
        ColumnPlant("建设动态", "/xwzx/jsdt/", "动态要闻", count=8, newest=Age(days=30),
                    gap=(2, 6), headlines=TITLE_DATE_HEADLINES, title_dates=True),
    ),
    search=SearchPlan(mode="empty"),
)

DSJZX = SitePlants(
    force=("人事",),
    home_floor=15,
    home_messages=False,
    ages=(
        ("动态要闻", Age(days=15)),
        ("通知公告", Age(days=10, months=7)),
        ("政策文件", Age(months=8)),
        ("人事", Age(months=14)),
    ),
    columns=(
        ColumnPlant("公示公告", "/xxgk/gsgg/", "通知公告", count=6, newest=Age(months=9),
                    gap=(10, 40), headlines=("关于{topic}项目的公示", "{unit}{topic}情况公示")),
        ColumnPlant("政策法规", "/zwgk/zcfg/", "政策文件", count=6, newest=Age(months=10),
                    gap=(20, 60), headlines=("{district}{topic}管理办法", "关于{topic}的实施意见")),
    ),
    channel=ChannelPlan(no_replies=True, open_status="待回复"),
)

ZGY = SitePlants(
    channel=ChannelPlan(kind="none"),
    search=None,
    columns=(
        ColumnPlant("社区风采", "/sqfc/", "其他", count=0, placeholder="", on_home=False),
        ColumnPlant("专项资金公示", "/xxgk/zxzj/", "通知公告", count=0, placeholder="暂无信息",
                    on_home=False),
        ColumnPlant("平安建设", "/pajs/", "其他", count=0, placeholder="正在建设中",
                    on_home=False),
        # One old item: neither blank nor (being 其他) stale (trap).
        ColumnPlant("机构职能", "/jgzn/", "其他", count=1, newest=Age(days=300),
                    headlines=("{unit}主要职责",), on_home=False),
    ),
)

DHKJY = SitePlants(
    drop=("办事",),
    home_floor=14,
    home_messages=False,
    # Newest home item and newest news exactly 14 days old: not stale (trap).
    ages=(("动态要闻", Age(days=14)),),
    date_styles=(("政策文件", "slash"),),
    # The only service entry is an image whose alt says 政务服务 (trap: it counts).
    service="image",
    service_url=f"http://{ZWFW_GZ_HOST}/",
    search=SearchPlan(param="searchword"),
)

DLXX = SitePlants(nav_only=True, search=None, service_url=f"http://{GJZWFW_HOST}/")

PLANTS: dict[str, SitePlants] = {
    "portal": PORTAL, "fgw": FGW, "jw": JW, "rsj": RSJ, "wjw": WJW, "scjgj": SCJGJ,
    "zjw": ZJW, "dsjzx": DSJZX, "zgy": ZGY, "dhkjy": DHKJY, "dlxx": DLXX,
}
