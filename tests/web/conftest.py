"""A small fleet stored the way a census stores it, accounts of every role, and clients.

Two runs of four sites in two units (海德区 with a portal, a department and a site whose
name is a script; 广州开发区 on its own), results with findings, vetoes and facts, a snapshot
with a home screenshot and an evidence capture, and a week of probes. Everything goes
through the real Store on SQLite and PostgreSQL (tests/conftest.py).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from govsite.findings import Finding
from govsite.probes import ProbeRecord
from govsite.results import Deduction, SiteResult
from govsite.sites import KIND_DEPARTMENT, KIND_OTHER, KIND_PORTAL, Site
from govsite.snapshot import Page, SiteSnapshot
from govsite.store import Store
from govsite.web import create_app
from govsite.web.auth import LoginPolicy, hash_password
from govsite.web.intake import IntakePolicy

CST = timezone(timedelta(hours=8))
PASSWORD = "correct horse battery"
SECRET = "test secret key"
HAIDE = "北京市海德区人民政府办公室"
GUANGZHOU = "广州开发区管委会"
XSS_NAME = "<script>window.__xss=1</script>海德区测试站"
XSS_DETAIL = "<script>window.__xss=2</script>详情"
XSS_EVIDENCE = "<img src=x onerror=\"window.__xss=3\">"
PORTAL, DEPT, XSS_SITE, GZ = "1101050001", "1101050002", "1101050003", "4401060001"

SITES = [
    Site(name="北京市海德区人民政府", site_code=PORTAL, url="http://www.hdq.gov.cn/", owner=HAIDE,
         category="区政府", kind=KIND_PORTAL, source_line=2),
    Site(name="北京市海德区教育委员会", site_code=DEPT, url="http://jw.hdq.gov.cn/",
         owner="北京市海德区教育委员会", category="区政府部门", kind=KIND_DEPARTMENT,
         parent=PORTAL, source_line=3),
    Site(name=XSS_NAME, site_code=XSS_SITE, url="http://cs.hdq.gov.cn/", owner="海德区测试中心",
         category="区政府部门", kind=KIND_OTHER, parent="http://www.hdq.gov.cn/", source_line=4),
    Site(name="广州开发区管委会网站", site_code=GZ, url="http://www.gdd.gov.cn/", owner=GUANGZHOU,
         category="管委会", kind=KIND_PORTAL, source_line=5),
]


@cache
def png_base64(color: str = "red") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _finding(rule: str, url: str, detail: str, target: str | None = None,
             **evidence: object) -> Finding:
    return Finding(rule=rule, url=url, detail=detail, target=target, evidence=dict(evidence))


def _result(site: Site, verdict: str, score: float | None, findings: list[Finding],
            vetoes: list[str] = (), facts: dict | None = None) -> SiteResult:  # type: ignore[assignment]
    findings = sorted(findings, key=Finding.sort_key)
    deductions = [Deduction(rule=f.rule, points=1.0, count=1, indicator="I-1", indicator_zh="测试指标",
                            findings=(i,)) for i, f in enumerate(findings) if f.rule not in vetoes]
    return SiteResult(site=site, verdict=verdict, score=score,
                      measured_score=score if score is not None else 70.0, vetoes=list(vetoes),
                      deductions=deductions, findings=findings,
                      stats={"pages": 3, "links": 5, "seconds": 1.0, "suppressed": 0},
                      facts=facts or {})


PORTAL_FACTS = {
    "columns": [
        {"name": "通知公告", "url": "http://www.hdq.gov.cn/tzgg/", "type": "通知公告", "level": 1,
         "items": 0, "newest": None, "age_days": None, "allowed": "6个月", "status": "blank"},
        {"name": "政务动态", "url": "http://www.hdq.gov.cn/zwdt/", "type": "动态要闻", "level": 1,
         "items": 20, "newest": "2026-11-20", "age_days": 3, "allowed": "14天", "status": "ok"},
    ],
    "home": {"items": 12, "dated_items": 10, "newest": "2026-11-20", "newest_title": "区政府常务会议",
             "newest_url": "http://www.hdq.gov.cn/zwdt/1.html", "navigation_only": False,
             "age_days": 3, "allowed_days": 14, "status": "ok"},
}


def results_new() -> list[SiteResult]:
    """The newer run (2026-11-23)."""
    portal, dept, xss, gz = SITES
    return [
        _result(portal, "fail", None, [
            _finding("column.blank", "http://www.hdq.gov.cn/tzgg/", "空白栏目：通知公告",
                     column="通知公告"),
            _finding("links.broken", "http://www.hdq.gov.cn/zwdt/", "链接失效",
                     target="http://www.hdq.gov.cn/old.html", status=404),
            _finding("content.typo", "http://www.hdq.gov.cn/zwdt/1.html", "错别字：按装",
                     wrong="按装", right="安装"),
        ], vetoes=["column.blank"], facts=PORTAL_FACTS),
        _result(dept, "pass", 95.0, [
            _finding("meta.missing", "http://jw.hdq.gov.cn/", "首页缺少网页标签：SiteName",
                     missing=["SiteName"]),
        ]),
        _result(xss, "fail", 60.0, [
            _finding("content.banned", "javascript:window.__xss=4", XSS_DETAIL, text=XSS_EVIDENCE),
            _finding("links.broken", "http://cs.hdq.gov.cn/", "=HYPERLINK(\"http://evil\")",
                     target="http://cs.hdq.gov.cn/x.pdf"),
        ]),
        _result(gz, "fail", None, [
            _finding("links.broken_home", "http://www.gdd.gov.cn/", "首页链接失效",
                     target="http://www.gdd.gov.cn/a.html"),
        ], vetoes=["links.broken_home"]),
    ]


def results_old() -> list[SiteResult]:
    """The older run (2026-08-20): the portal's typo is new since, its old link is fixed."""
    portal, dept, xss, gz = SITES
    return [
        _result(portal, "fail", None, [
            _finding("column.blank", "http://www.hdq.gov.cn/tzgg/", "空白栏目：通知公告"),
            _finding("links.broken", "http://www.hdq.gov.cn/zwdt/", "链接失效",
                     target="http://www.hdq.gov.cn/gone.html"),
        ], vetoes=["column.blank"]),
        _result(dept, "pass", 92.0, []),
        _result(xss, "pass", 90.0, []),
        _result(gz, "pass", 91.0, []),
    ]


class Clock:
    """The application's now, moved by the test (`create_app(clock=…)`); Beijing time.

    It starts on Friday 2025-09-26 10:00: the weekend after is a 调休 one (Sunday 09-28 is a
    working day) and National Day follows, so deadlines counted from it are worth checking.
    """

    def __init__(self) -> None:
        self.moment = datetime(2025, 9, 26, 10, 0, tzinfo=CST)

    def __call__(self) -> datetime:
        return self.moment

    def set(self, *when: int) -> None:
        """Stand the application at this Beijing time: set(2025, 10, 1, 0, 5)."""
        self.moment = datetime(*when, tzinfo=CST)  # type: ignore[misc]


@dataclass(frozen=True)
class Seeded:
    old_run: str
    new_run: str


def _snapshot(site: Site) -> SiteSnapshot:
    home = Page(url=site.url, final_url=site.url, status=200, fetched_at="2026-11-23T10:00:00+08:00",
                html="<html></html>", content_type="text/html")
    browser = {"error": None, "pages": [], "mobile": None,
               "screenshot": {"url": site.url, "taken_at": "2026-11-23T10:01:00+08:00", "status": 200,
                              "mime": "image/png", "width": 8, "height": 6,
                              "data": png_base64("blue")},
               "evidence": [{"url": "http://www.hdq.gov.cn/tzgg/", "taken_at": "2026-11-23T10:02:00+08:00",
                             "status": 200, "mime": "image/png", "width": 8, "height": 6,
                             "data": png_base64("red")}]}
    return SiteSnapshot(site=site, fetched_at="2026-11-23T10:00:00+08:00", home=home, pages=[home],
                        browser=browser)


def seed(store: Store) -> Seeded:
    """Two finished runs, a snapshot with screenshots for the portal, a week of its probes."""
    ids = []
    for as_of, results in (("2026-08-20", results_old()), ("2026-11-23", results_new())):
        run_id = store.create_run(profile="gb2019", as_of=as_of)
        store.add_sites(run_id, SITES)
        for result in results:
            store.save_result(run_id, "gb2019", result)
        store.finish_run(run_id)
        ids.append(run_id)
    store.save_snapshot(ids[1], _snapshot(SITES[0]))
    start = datetime(2026, 11, 17, tzinfo=UTC)
    store.add_probes(ProbeRecord(site_code=PORTAL, url=SITES[0].url, time=start + timedelta(hours=h),
                                 ok=h % 10 != 0, elapsed_ms=120.0, status=200 if h % 10 else None,
                                 error="" if h % 10 else "timeout") for h in range(7 * 24))
    return Seeded(old_run=ids[0], new_run=ids[1])


@cache
def password_hash() -> str:
    """One hash for every test account: argon2 is deliberately slow."""
    return hash_password(PASSWORD)


def add_users(store: Store) -> None:
    for name, role, unit in (("admin", "admin", ""), ("staff", "staff", ""), ("viewer", "viewer", ""),
                             ("haide", "unit", HAIDE), ("gz", "unit", GUANGZHOU)):
        store.add_user(name, password_hash(), role=role, unit=unit, display_name=f"{name}用户")


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form as a browser would; returns the session's CSRF token."""
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client.get("/api/me").json()["csrf_token"]


@pytest.fixture
def seeded(store: Store) -> Seeded:
    data = seed(store)
    add_users(store)
    return data


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_client(store_url: str, seeded: Seeded, clock: Clock) -> Iterator[ClientFactory]:
    """`make_client()` → a TestClient of a fresh app over the seeded store (not signed in),
    on the test's clock."""
    clients: list[TestClient] = []

    def make(policy: LoginPolicy | None = None, intake: IntakePolicy | None = None) -> TestClient:
        app = create_app(store_url, secret_key=SECRET, secure_cookies=False, login_policy=policy,
                         clock=clock, intake_policy=intake)
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client_as(make_client: ClientFactory) -> Callable[[str], tuple[TestClient, str]]:
    """`client_as("staff")` → (a client signed in as that account, its CSRF token)."""

    def sign_in(username: str) -> tuple[TestClient, str]:
        client = make_client()
        return client, login(client, username)

    return sign_in
