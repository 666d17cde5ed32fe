"""Headlines, article text, dates and 留言 for the demo fleet.

Every date is an offset from `as_of`, so a fleet built today and one built next year are equally
fresh (or equally stale where staleness is planted). Randomness comes only from the `Random`
passed in, which keeps a fleet a pure function of its seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from govsite.fleet.guides import Guide
from govsite.fleet.names import DISTRICT, SURNAMES, ColumnKind

# (newest item's age in days, gap between consecutive items in days), by ColumnType. Chosen so a
# normal site is comfortably inside the update windows of standards.md §6.1 (14 days for
# 动态要闻, 6 months for 通知公告/政策文件).
FRESHNESS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "动态要闻": ((0, 3), (1, 4)),
    "通知公告": ((2, 20), (4, 15)),
    "政策文件": ((5, 60), (10, 40)),
    "政策解读": ((5, 60), (10, 40)),
    "人事": ((10, 90), (15, 45)),
    "办事": ((20, 120), (20, 60)),
    "规划计划": ((30, 150), (30, 90)),
}

HEADLINES: dict[str, tuple[str, ...]] = {
    "动态要闻": (
        "{unit}召开{topic}工作推进会",
        "{unit}开展{topic}专项检查",
        "{district}{topic}工作取得阶段性成效",
        "{unit}部署{year}年{topic}重点任务",
        "{unit}组织开展{topic}主题宣传活动",
        "{unit}主要负责同志调研{topic}工作",
        "{unit}召开{topic}工作座谈会",
    ),
    "通知公告": (
        "关于开展{year}年{topic}工作的通知",
        "关于{topic}有关事项的公告",
        "{unit}关于{topic}工作的公示",
        "关于做好{topic}相关工作的通知",
    ),
    "政策文件": (
        "关于印发《{district}{topic}实施方案》的通知",
        "{district}关于进一步加强{topic}工作的意见",
        "关于印发《{district}{topic}管理办法》的通知",
    ),
    "政策解读": (
        "《{district}{topic}实施方案》政策解读",
        "一图读懂{district}{topic}新举措",
        "关于{topic}管理办法的解读",
    ),
    "人事": (
        "{unit}{year}年公开招聘工作人员公告",
        "{unit}干部任前公示",
        "{unit}{year}年公开招聘拟聘用人员公示",
    ),
    # Every item of a 办事 column is a 办事指南 page (`guides.py` writes its body).
    "办事": (
        "{topic}补贴申领办事指南", "{topic}相关证明开具办事指南", "{topic}事项备案服务指南",
        "{topic}资格认定办事指南",
    ),
    "规划计划": (
        "{unit}{year}年工作计划", "{unit}{year}年上半年工作总结", "{district}{topic}专项规划"
    ),
}

PARAGRAPHS = (
    "{date}，{unit}召开{topic}工作会议，总结前一阶段工作情况，研究部署下一步重点任务。",
    "会议指出，要坚持以人民为中心的发展思想，把{topic}作为一项重要民生工程抓紧抓实，"
    "确保各项任务落地见效。",
    "会议要求，各相关单位要进一步压实工作责任，细化工作措施，加强协调配合，形成工作合力。",
    "下一步，{unit}将持续推进{topic}工作，及时回应群众关切，不断增强群众的获得感、幸福感、安全感。",
    "各有关单位要高度重视，结合实际制定具体措施，认真抓好{topic}各项工作的贯彻落实。",
)

MESSAGE_TITLES = (
    "关于{topic}的咨询",
    "咨询{topic}办理流程",
    "建议进一步加强{topic}工作",
    "反映{topic}相关问题",
    "{topic}政策适用范围咨询",
)


@dataclass
class Attachment:
    """A file linked from an article (TRS names them P0<timestamp>.<ext>)."""

    name: str
    path: str


@dataclass
class Article:
    """One article page and everything its list entries and body show.

    `file` makes the item a link straight to a PDF (no page, no PubDate); `guide` makes the page
    a 办事指南 whose body `guides.py` writes.
    """

    title: str
    when: datetime
    path: str
    paragraphs: list[str]
    image: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    missing_meta: frozenset[str] = frozenset()
    extra_links: list[tuple[str, str, str]] = field(default_factory=list)
    file: bool = False
    guide: Guide | None = None


@dataclass
class Column:
    """One 栏目 list (paginated) and its articles, newest first.

    `date_style` overrides how list rows spell dates ("none" hides them); `placeholder` is the
    text a blank column shows instead of a list ("" for nothing at all); `footnote` goes under
    the list of the last page; `on_home` puts a block of it on the home page.
    """

    kind: ColumnKind
    name: str
    articles: list[Article]
    per_page: int
    date_style: str | None = None
    placeholder: str | None = None
    footnote: str = ""
    on_home: bool = True

    @property
    def index_path(self) -> str:
        return f"{self.kind.path}index.html"

    def page_path(self, number: int) -> str:
        """Path of list page `number` (0 = index.html, 1 = index_1.html …)."""
        return self.index_path if number == 0 else f"{self.kind.path}index_{number}.html"

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))


@dataclass
class Message:
    """A 留言 on the interaction page; `detail` is the path of its detail page, if it has one."""

    title: str
    author: str
    asked: date
    replied: date | None
    detail: str | None = None


def article_times(
    rng: random.Random, *, as_of: date, column_type: str, count: int,
    newest: date | None = None, gap: tuple[int, int] | None = None, floor_days: int = 0,
) -> list[datetime]:
    """Publication times for `count` items of a column, newest first, all on or before as_of.

    The newest item is `newest` when planted, else a random age of the type's freshness range,
    never younger than `floor_days`; the others follow at the type's (or `gap`'s) intervals.
    """
    (age_lo, age_hi), type_gap = FRESHNESS.get(column_type, ((0, 3), (3, 10)))
    gap_lo, gap_hi = gap or type_gap
    if newest is None:
        newest = as_of - timedelta(days=max(rng.randint(age_lo, age_hi), floor_days))
    day = newest
    moments = []
    for _ in range(count):
        moments.append(datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59))))
        day -= timedelta(days=rng.randint(gap_lo, gap_hi))
    return moments


def headline(
    rng: random.Random, *, column_type: str, unit: str, topic: str, year: int,
    patterns: tuple[str, ...] = (), title_date: date | None = None,
) -> str:
    """A headline in the register of the column type (or from the planted `patterns`)."""
    pattern = rng.choice(patterns or HEADLINES[column_type])
    spoken = f"{title_date.year}年{title_date.month}月{title_date.day}日" if title_date else ""
    return pattern.format(unit=unit, topic=topic, district=DISTRICT, year=year, title_date=spoken)


def paragraphs(rng: random.Random, *, unit: str, topic: str, when: datetime) -> list[str]:
    """Two to four paragraphs of 公文-style text; the first names the date."""
    spoken = f"{when.month}月{when.day}日"
    chosen = [PARAGRAPHS[0]] + rng.sample(PARAGRAPHS[1:], rng.randint(1, 3))
    return [p.format(date=spoken, unit=unit, topic=topic) for p in chosen]


def messages(
    rng: random.Random, *, as_of: date, topics: tuple[str, ...], old_unanswered: bool
) -> list[Message]:
    """Eight to eleven 留言 over the last half year, newest first.

    Replies come one to ten days after the question; the two newest are still open (recent,
    so not late). `old_unanswered` plants one question left open for about four months, for
    the later interaction rules.
    """
    out: list[Message] = []
    age = rng.randint(1, 4)
    for index in range(rng.randint(8, 11)):
        asked = as_of - timedelta(days=age)
        title = rng.choice(MESSAGE_TITLES).format(topic=rng.choice(topics))
        author = f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士'))}"
        replied = None if index < 2 else min(as_of, asked + timedelta(days=rng.randint(1, 10)))
        out.append(Message(title, author, asked, replied))
        age += rng.randint(6, 20)
    if old_unanswered:
        asked = as_of - timedelta(days=rng.randint(115, 130))
        out.append(Message("关于小区周边道路施工噪音扰民的投诉", "匿名网友", asked, None))
        out.sort(key=lambda m: m.asked, reverse=True)
    return out
