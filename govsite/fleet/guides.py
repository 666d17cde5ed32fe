"""办事指南 pages: the eight key elements (standards.md D15-8 / V19-6) and how a guide spells them.

A guide is written either as a two-column table (the label in a `<th>`) or as paragraphs
(`<p><strong>标签：</strong>值</p>`), with the standard labels or with synonyms real guides use
(办理依据 for 设定依据, 所需材料 for 办理材料 …). A missing element is absent from the whole page:
neither its label nor any synonym of it appears anywhere, so "missing" cannot depend on how much
of the page a reader looks at — except 联系电话, which most site footers print: one guide leaves
it out while its footer still shows "联系电话：", the trap for a rule that reads the footer too.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# (element, its labels: the standard one first, then the synonyms a guide may use instead).
ELEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("事项名称", ("事项名称", "项目名称")),
    ("设定依据", ("设定依据", "办理依据", "法律依据", "实施依据")),
    ("申请条件", ("申请条件", "受理条件", "办理条件")),
    ("办理材料", ("办理材料", "申请材料", "申报材料", "所需材料", "提交材料")),
    ("办理地点", ("办理地点", "受理地点", "办理地址", "办公地点")),
    ("办理时间", ("办理时间", "受理时间", "办公时间")),
    ("联系电话", ("联系电话", "咨询电话", "咨询方式")),
    ("办理流程", ("办理流程", "办事流程", "办理程序")),
)
ELEMENT_NAMES = tuple(name for name, _ in ELEMENTS)

# Label sets: 0 = the standard names; 1 and 2 = two different mixes of synonyms.
_SYNONYM_SETS = (
    (0, 0, 0, 0, 0, 0, 0, 0),
    (1, 1, 1, 1, 1, 1, 1, 1),
    (1, 2, 2, 3, 2, 2, 2, 2),
)


@dataclass(frozen=True)
class Guide:
    """What one 办事指南 page shows: the 事项, its layout, its label set, what it leaves out."""

    item: str
    style: str
    synonyms: int = 0
    missing: frozenset[str] = frozenset()
    colon: str = "："

    def labels(self) -> list[tuple[str, str]]:
        """(element, label printed) for every element the page carries, in the usual order."""
        chosen = _SYNONYM_SETS[self.synonyms]
        return [(name, labels[chosen[i]]) for i, (name, labels) in enumerate(ELEMENTS)
                if name not in self.missing]


def values(guide: Guide, *, district: str, phone: str, window: int) -> dict[str, str]:
    """The text of each element; none of it contains a label followed by a colon."""
    return {
        "事项名称": guide.item,
        "设定依据": f"《中华人民共和国行政许可法》；《{district}{guide.item}实施办法》",
        "申请条件": "申请人为在本区登记注册的单位或具有本区户籍的居民，符合相关政策规定的条件。",
        "办理材料": "1.申请表（原件1份）；2.申请人身份证件（复印件1份）；3.相关证明材料（原件1份）。",
        "办理地点": f"{district}政务服务中心二层{window}号窗口",
        "办理时间": "法定工作日上午9:00至12:00，下午13:30至17:00",
        "联系电话": phone,
        "办理流程": "提交申请—窗口受理—审查—作出决定—送达。",
    }


def guide_html(guide: Guide, *, district: str, phone: str, window: int) -> str:
    """The body of a 办事指南 page in the guide's style."""
    texts = values(guide, district=district, phone=phone, window=window)
    rows = [(label, texts[name]) for name, label in guide.labels()]
    if guide.style == "table":
        cells = "".join(
            f'<tr><th width="120">{escape(label)}</th><td>{escape(text)}</td></tr>'
            for label, text in rows
        )
        return f'<table class="bszn" width="100%" border="1" cellspacing="0">{cells}</table>'
    return "".join(
        f"<p><strong>{escape(label)}{guide.colon}</strong>{escape(text)}</p>" for label, text in rows
    )
