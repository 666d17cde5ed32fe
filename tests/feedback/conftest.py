"""Fixtures of the 找错 tests: a small registry with a 上级网站 chain, the default deadlines,
a factory of received messages, a sample export and an SMTP mailbox. `store` (SQLite and
PostgreSQL) is tests/conftest.py's."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from govsite.feedback.deadlines import DeadlinePolicy, load_policy
from govsite.feedback.model import SOURCE_FORM, SUBMITTER_PUBLIC, TYPE_OUTDATED, Message
from govsite.feedback.routing import Router
from govsite.feedback.states import receive
from govsite.sites import KIND_DEPARTMENT, KIND_PORTAL, Site

CST = timezone(timedelta(hours=8))
CITY_UNIT = "某市人民政府办公厅"
COUNTY_UNIT = "某县人民政府办公室"

# A city portal; its education bureau (上级网站 by code); the bureau's exam site (上级网站 by
# URL, written without the trailing slash): all three are the city's. A county portal and a
# ministry stand alone.
SITES = [
    Site(name="某市人民政府", site_code="3301000001", url="http://www.city.gov.cn/",
         owner=CITY_UNIT, kind=KIND_PORTAL, source_line=2),
    Site(name="某市教育局", site_code="3301000002", url="http://jyj.city.gov.cn/",
         owner="某市教育局", kind=KIND_DEPARTMENT, parent="3301000001", source_line=3),
    Site(name="某市招生考试网", site_code="3301000003", url="http://zk.jyj.city.gov.cn/",
         owner="某市教育考试院", parent="http://jyj.city.gov.cn", source_line=4),
    Site(name="某县人民政府", site_code="3301270001", url="http://www.county.gov.cn/",
         owner=COUNTY_UNIT, kind=KIND_PORTAL, source_line=5),
    Site(name="某部", site_code="bm12000001", url="http://www.ministry.gov.cn/",
         owner="某部办公厅", kind=KIND_DEPARTMENT, source_line=6),
]


def cst(*args: int) -> datetime:
    """A Beijing time: cst(2025, 9, 30, 10) is 2025-09-30 10:00 +08:00."""
    return datetime(*args, tzinfo=CST)  # type: ignore[misc]


@pytest.fixture
def router() -> Router:
    return Router(SITES)


@pytest.fixture
def policy() -> DeadlinePolicy:
    return load_policy()


MakeMessage = Callable[..., Message]


@pytest.fixture
def make_message(router: Router, policy: DeadlinePolicy) -> MakeMessage:
    """`make_message(received_at, site_code=…, …)`: a message as the public form receives it."""

    def make(received_at: datetime, *, site_code: str = "3301000002",
             submitter_kind: str = SUBMITTER_PUBLIC, msg_type: str = TYPE_OUTDATED,
             external_id: str | None = None, source: str = SOURCE_FORM) -> Message:
        return receive(route=router.route(site_code), source=source, msg_type=msg_type,
                       title="栏目长期未更新", content="“通知公告”栏目最新信息为半年前。",
                       page_url="http://jyj.city.gov.cn/tzgg/", contact="13800000000",
                       submitter_kind=submitter_kind, received_at=received_at, policy=policy,
                       external_id=external_id)

    return make


# The platform's export (columns assumed, see docs/messages.md): three good rows.
HEADER = "留言编号,网站名称,网站标识码,问题类型,留言标题,留言内容,问题页面,留言时间,留言人类型,处理状态"
GOOD = [
    "ZC20250930001,某市教育局,3301000002,内容更新不及时,栏目不更新,通知公告栏目半年未更新,"
    "http://jyj.city.gov.cn/tzgg/,2025-09-30 09:15,网民,待处理",
    'ZC20250930002,某县人民政府,3301270001,链接无法访问,链接打不开,"首页“政务公开”链接打不开，'
    '显示404",http://www.county.gov.cn/,2025/9/30 10:20,社会监督员,',
    "ZC20250930003,某部,BM12000001,其它,,页面有错别字,,2025年9月30日 11:00,,",
]


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return path


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(m["Subject"]))) for m in self.messages]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
