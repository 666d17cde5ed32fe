"""The demo fleet: served over real HTTP on 127.0.0.1, and its truth checked against itself.

Every request goes to 127.0.0.1 with the site's name in the Host header, as a census using
`--resolve` would send it. Nothing here leaves the machine.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from govsite.clock import CST as BEIJING
from govsite.fleet import Fleet, FleetServer, build_fleet, write_fleet
from govsite.fleet.truth import count_by_rule, crawl, parse_page

AS_OF = date(2026, 11, 23)
CONTRACT_RULES = {
    "availability.unreachable", "availability.home_failure", "links.broken_home",
    "links.broken", "links.attachment_broken", "footer.missing_conac",
    "footer.missing_zhaocuo", "footer.missing_site_code", "footer.invalid_site_code",
    "footer.missing_icp", "footer.missing_psb", "footer.missing_sponsor",
    "footer.missing_contact", "footer.missing_sitemap", "meta.missing", "domain.noncompliant",
    "registry.closed_but_online", "update.home_stale", "column.stale", "column.blank",
    "interaction.unanswered", "interaction.no_channel", "interaction.reply_stale",
    "service.none", "service.guide_incomplete", "search.unavailable",
    "content.serious_error", "content.typo", "content.banned", "content.hidden_link",
}
# Content rules whose finding sits on a column, list, guide or article page, not the home page.
PAGE_RULES = {"column.stale", "column.blank", "interaction.unanswered",
              "interaction.reply_stale", "service.guide_incomplete", "content.serious_error",
              "content.typo", "content.banned"}
LINK_RULES = {"links.broken_home", "links.broken", "links.attachment_broken"}
HREF = re.compile(r"""<a\s[^>]*href="([^"]+)\"""")


@pytest.fixture(scope="module")
def fleet() -> Fleet:
    return build_fleet(as_of=AS_OF)


@pytest.fixture(scope="module")
def server(fleet: Fleet):
    with FleetServer(fleet) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    chain: list[int]
    error: str | None = None


def get(server: FleetServer, url: str, method: str = "GET") -> Answer:
    """One request to 127.0.0.1:port with the URL's host in the Host header."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request(method, path, headers={"Host": parts.hostname or ""})
        resp = conn.getresponse()
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        return Answer(resp.status, headers, body, url, [resp.status])
    finally:
        conn.close()


def follow(server: FleetServer, url: str, max_redirects: int = 10) -> Answer:
    """Follow redirects like a link checker; one retry after a 429 (Retry-After honoured as 0)."""
    chain: list[int] = []
    seen: set[str] = set()
    for _ in range(max_redirects + 1):
        answer = get(server, url)
        if answer.status == 429:
            answer = get(server, url)
        chain.append(answer.status)
        if answer.status in (301, 302, 303, 307, 308):
            seen.add(url)
            url = urljoin(url, answer.headers["location"])
            if url in seen:
                return Answer(answer.status, answer.headers, b"", url, chain, "too_many_redirects")
            continue
        answer.chain = chain
        answer.url = url
        return answer
    return Answer(0, {}, b"", url, chain, "too_many_redirects")


def site_html(fleet: Fleet, site_code: str, path: str = "/") -> str:
    site = fleet.site(site_code)
    resource = fleet.resources[(site.host, path)]
    return resource.body.decode("gbk" if site.charset == "gbk" else "utf-8")


# --- serving ----------------------------------------------------------------------------------


def test_virtual_hosting_serves_each_host_its_own_site(fleet: Fleet, server: FleetServer) -> None:
    portal = fleet.by_role("portal")[0]
    dept = fleet.by_role("missing_zhaocuo")[0]
    a, b = get(server, portal.url), get(server, dept.url)
    assert a.status == b.status == 200
    assert f'content="{portal.site_code}"' in a.body.decode()
    assert f'content="{dept.site_code}"' in b.body.decode()
    unknown = get(server, "http://www.example.com/")
    assert unknown.status == 421
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/", headers={"Host": f"{portal.host}:80"})
    assert conn.getresponse().status == 200
    conn.close()


def test_resolve_args_cover_every_host(fleet: Fleet, server: FleetServer) -> None:
    args = server.resolve_args()
    assert args == [f"{host}=127.0.0.1:{server.port}" for host in fleet.hosts]
    hosts = {arg.split("=")[0] for arg in args}
    assert {"www.hdq.gov.cn", "www.gov.cn", "bszs.conac.cn", "beian.miit.gov.cn",
            "zfwzzc.www.gov.cn", "www.beian.gov.cn", "dcs.conac.cn"} <= hosts


def test_unknown_paths_get_404_or_the_soft_404_page(fleet: Fleet, server: FleetServer) -> None:
    portal = fleet.by_role("portal")[0]
    soft = fleet.by_role("soft404")[0]
    assert get(server, urljoin(portal.url, "/no/such/page.html")).status == 404
    answer = get(server, urljoin(soft.url, "/no/such/page.html"))
    assert answer.status == 200
    assert "页面不存在" in answer.body.decode()


def test_gbk_sites_are_gbk_and_say_so(fleet: Fleet, server: FleetServer) -> None:
    gbk = [site for site in fleet.sites if site.charset == "gbk" and site.pages]
    assert len(gbk) >= 3
    assert {site.charset_via for site in gbk} >= {"header", "meta", "http-equiv"}
    for site in gbk:
        answer = get(server, site.url)
        text = answer.body.decode("gbk")
        assert site.name in text
        with pytest.raises(UnicodeDecodeError):
            answer.body.decode("utf-8")
        content_type = answer.headers["content-type"].lower()
        if site.charset_via == "header":
            assert "charset=gbk" in content_type
        else:
            assert "charset" not in content_type
            assert re.search(r"""<meta[^>]+charset="?gbk""", text, re.I)


def test_429_once_then_200(fleet: Fleet, server: FleetServer) -> None:
    server.reset()
    url = urljoin(fleet.by_role("portal")[0].url, "/zwgk/ysqgk.html")
    first, second = get(server, url), get(server, url)
    assert first.status == 429 and first.headers["retry-after"] == "1"
    assert second.status == 200


def test_redirect_chain_and_slow_host_are_fine(fleet: Fleet, server: FleetServer) -> None:
    portal = fleet.by_role("portal")[0]
    chain = follow(server, urljoin(portal.url, "/zwgk/xxgkzn.jsp"))
    assert chain.chain == [301, 302, 200]
    started = time.monotonic()
    slow = get(server, "http://www.stats.gov.cn/sj/")
    elapsed = time.monotonic() - started
    assert slow.status == 200 and 0.5 <= elapsed < 2.0


def test_head_requests_get_headers_only(fleet: Fleet, server: FleetServer) -> None:
    answer = get(server, fleet.by_role("portal")[0].url, method="HEAD")
    assert answer.status == 200 and answer.body == b""


def test_request_log_counts_requests(fleet: Fleet, server: FleetServer) -> None:
    site = fleet.by_role("missing_icp")[0]
    before = sum(1 for host, path, _, _ in server.request_log if host == site.host and path == "/")
    get(server, site.url)
    get(server, site.url)
    after = [entry for entry in server.request_log if entry[0] == site.host and entry[1] == "/"]
    assert len(after) == before + 2
    assert after[-1][2] == "GET"


def test_waf_site_answers_only_challenges(fleet: Fleet, server: FleetServer) -> None:
    waf = fleet.by_role("waf")[0]
    assert fleet.not_measured == [waf.site_code]
    assert not [t for t in fleet.truth if t.site_code == waf.site_code]
    home = get(server, waf.url)
    assert "__jsl_clearance" in home.body.decode()
    for path in ("/xwzx/bmdt/index.html", "/robots.txt", "/hdjl/zxly.html"):
        answer = get(server, urljoin(waf.url, path))
        assert answer.status == 403
        assert "网站防火墙" in answer.body.decode() and "您的访问被拦截" in answer.body.decode()


def test_lifecycle_sites(fleet: Fleet, server: FleetServer) -> None:
    online = get(server, fleet.by_role("closed_online")[0].url)
    assert online.status == 200 and "网站地图" in online.body.decode()
    assert get(server, fleet.by_role("closed_404")[0].url).status == 404
    notice = get(server, fleet.by_role("closed_notice")[0].url)
    assert notice.status == 200 and "已关停" in notice.body.decode()
    assert "<a " not in notice.body.decode()
    merged = get(server, urljoin(fleet.by_role("merged")[0].url, "/any/page.html"))
    assert merged.status == 301 and merged.headers["location"] == "http://www.hdq.gov.cn/"


# --- truth against the served fleet -----------------------------------------------------------


def test_every_broken_truth_target_really_fails(fleet: Fleet, server: FleetServer) -> None:
    items = [t for t in fleet.truth if t.rule in LINK_RULES]
    assert len(items) >= 10
    for item in items:
        assert item.target
        answer = follow(server, item.target)
        text = answer.body.decode("utf-8", "replace")
        soft = answer.status == 200 and ("页面不存在" in text or "文件不存在" in text)
        assert answer.error or answer.status >= 400 or soft, item


def test_every_other_home_link_works(fleet: Fleet, server: FleetServer) -> None:
    server.reset()
    for role in ("portal", "missing_conac"):
        site = fleet.by_role(role)[0]
        broken = {t.target for t in fleet.truth if t.site_code == site.site_code}
        page = parse_page(site_html(fleet, site.site_code), site.url)
        targets = {url for _, url in page.links} - broken
        assert len(targets) > 30
        for target in sorted(targets):
            answer = follow(server, target)
            assert 200 <= answer.status < 300 and not answer.error, target


def test_link_catalogue_is_complete(fleet: Fleet) -> None:
    portal = fleet.by_role("portal")[0]
    notes = Counter(t.note for t in fleet.truth if t.site_code == portal.site_code
                    and t.rule in LINK_RULES)
    assert {"HTTP 404", "HTTP 410", "HTTP 500", "too_many_redirects"} <= set(notes)
    assert "HTTP 200 text/html 文件不存在" in notes
    by_rule = count_by_rule(fleet.truth)
    assert by_rule["links.broken_home"] >= 6 and by_rule["links.broken"] >= 4
    assert by_rule["links.attachment_broken"] == 2
    targets = [t.target for t in fleet.truth if t.rule in LINK_RULES]
    assert len(targets) == len(set(targets)), "a target is reported under two rules"
    assert any(t.target.endswith(".png") for t in fleet.truth if t.rule == "links.broken")
    assert any("www.gov.cn" in t.target for t in fleet.truth if t.rule == "links.broken")
    soft = fleet.by_role("soft404")[0]
    assert {t.rule for t in fleet.truth if t.site_code == soft.site_code} >= {
        "links.broken", "links.broken_home"}


def test_truth_is_consistent_with_resources(fleet: Fleet) -> None:
    assert {t.rule for t in fleet.truth} == CONTRACT_RULES
    codes = {row["site_code"] for row in fleet.registry_rows}
    for item in fleet.truth:
        assert item.site_code in codes
        site = fleet.site(item.site_code)
        if item.rule.startswith(("links.", "meta.")) or item.rule in PAGE_RULES:
            assert item.url in site.pages, item
            path = urlsplit(item.url).path
            assert fleet.resources[(site.host, path)].status == 200
        elif item.rule != "content.hidden_link":
            assert item.url == site.url and item.target is None
        else:
            assert item.url == site.url
        if item.rule == "interaction.unanswered":
            assert item.target is None or item.target in site.pages, item
        elif item.rule == "content.hidden_link":
            # A hacked page's hidden links work (the hacker wants them followed): foreign, 200.
            parts = urlsplit(item.target or "")
            assert parts.hostname != site.host
            assert fleet.lookup(parts.hostname or "", parts.path or "/").status == 200, item
        elif item.target:
            parts = urlsplit(item.target)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            served = fleet.resources.get((parts.hostname, path))
            # Intentionally missing (404 fallback), or served with a failing/special answer.
            assert served is None or served.status >= 300 or served.behaviour, item


def test_footer_truth_matches_home_pages(fleet: Fleet) -> None:
    markers = {
        "footer.missing_conac": lambda h: "conac.cn" in h or "_ideConac" in h,
        "footer.missing_zhaocuo": lambda h: "zfwzzc" in h and "我为政府网站找错" in h,
        "footer.missing_site_code": lambda h: "标识码" in h,
        "footer.missing_icp": lambda h: "ICP备" in h and "beian.miit.gov.cn" in h,
        "footer.missing_psb": lambda h: "公网安备" in h and "beian.gov.cn" in h,
        "footer.missing_sponsor": lambda h: "主办单位" in h or "版权所有" in h,
        "footer.missing_contact": lambda h: bool(re.search(r"\d{3,4}-\d{7,8}", h))
        or "地址" in h or "@" in h,
        "footer.missing_sitemap": lambda h: "网站地图" in h,
    }
    audited = [s for s in fleet.sites if s.status == "运行" and s.site_code not in
               fleet.not_measured]
    for site in audited:
        html = site_html(fleet, site.site_code)
        expected = {t.rule for t in fleet.truth if t.site_code == site.site_code}
        for rule, present in markers.items():
            assert present(html) == (rule not in expected), (site.host, rule)
        shown = re.search(r"网站标识码[:：]\s*(\w+)", html)
        if "footer.invalid_site_code" in expected:
            assert shown and shown.group(1) != site.site_code and len(shown.group(1)) == 12
        elif shown:
            assert shown.group(1) == site.site_code
    assert "京ICP备 " in site_html(fleet, fleet.by_role("missing_psb")[0].site_code)
    assert "网站标识码:" in site_html(fleet, fleet.by_role("missing_icp")[0].site_code)
    assert 'alt="我为政府网站找错"' in site_html(
        fleet, fleet.by_role("invalid_site_code")[0].site_code)
    assert "找错" in site_html(fleet, fleet.by_role("missing_zhaocuo")[0].site_code)


def test_domain_truth_matches_an_independent_check(fleet: Fleet) -> None:
    portal_form = re.compile(r"^www\.[a-z0-9-]+\.gov\.cn$")
    hosts = {row["site_code"]: urlsplit(row["url"]).hostname for row in fleet.registry_rows}
    flagged = {t.site_code for t in fleet.truth if t.rule == "domain.noncompliant"}
    for row in fleet.registry_rows:
        if row["status"] != "运行" or row["site_code"] in fleet.not_measured:
            continue
        host = hosts[row["site_code"]]
        ok = host.endswith(".gov.cn")
        if row["kind"] == "门户":
            ok = ok and bool(portal_form.match(host))
        if row["kind"] == "部门" and row["parent"]:
            ok = ok and host.endswith("." + hosts[row["parent"]].removeprefix("www."))
        assert ok == (row["site_code"] not in flagged), host
    assert len(flagged) == 3


def test_meta_truth(fleet: Fleet) -> None:
    missing = Counter(t.site_code for t in fleet.truth if t.rule == "meta.missing")
    bare = fleet.by_role("missing_icp")[0]
    assert missing[bare.site_code] == len(bare.pages)
    assert {bare.url, urljoin(bare.url, "/hdjl/zxly.html"), urljoin(bare.url, "/wzdt.html")} <= {
        t.url for t in fleet.truth if t.rule == "meta.missing"}
    no_pubdate = fleet.by_role("missing_conac")[0]
    articles = [u for u in no_pubdate.pages if re.search(r"/t\d{8}_\d+\.html$", u)]
    assert missing[no_pubdate.site_code] == len(articles) > 0
    assert missing[fleet.by_role("portal")[0].site_code] == 3
    assert set(missing) == {bare.site_code, no_pubdate.site_code,
                            fleet.by_role("portal")[0].site_code}


def test_registry_rows(fleet: Fleet) -> None:
    rows = fleet.registry_rows
    codes = [row["site_code"] for row in rows]
    assert len(codes) == len(set(codes)) == 16
    assert all(re.fullmatch(r"\d{10}|bm\d{8}", code) for code in codes)
    assert any(code.startswith("bm") for code in codes)
    assert {row["kind"] for row in rows} == {"门户", "部门", "其他"}
    assert Counter(row["status"] for row in rows) == {"运行": 12, "关停": 3, "整合迁移": 1}
    assert {"区政府", "区政府部门", "街镇", "管委会"} <= {row["category"] for row in rows}
    portal = fleet.by_role("portal")[0].site_code
    assert all(row["parent"] == portal for row in rows if row["kind"] == "部门")


def test_probes_and_availability_truth(fleet: Fleet) -> None:
    running = [s for s in fleet.sites if s.status == "运行"]
    per_site = Counter(p.site_code for p in fleet.probes)
    assert per_site == {s.site_code: 168 for s in running}
    start = datetime(2026, 11, 17, tzinfo=BEIJING)
    assert all(start <= p.time < start + timedelta(days=7) for p in fleet.probes)
    failures = Counter(p.site_code for p in fleet.probes if not p.ok)
    assert sorted(failures.values()) == [3, 9, 12]
    for p in fleet.probes:
        if not p.ok:
            assert (p.error, p.elapsed_ms, p.status) == ("timeout", 15000, None) or (
                p.error, p.status) == ("http_5xx", 502)
    rules = {t.site_code: t.rule for t in fleet.truth if t.rule.startswith("availability.")}
    assert rules == {code: "availability.unreachable" if n >= 9 else "availability.home_failure"
                     for code, n in failures.items()}


# --- generation -------------------------------------------------------------------------------


def test_build_is_deterministic_and_dates_follow_as_of(fleet: Fleet) -> None:
    again = build_fleet(as_of=AS_OF)
    assert again.resources == fleet.resources and again.truth == fleet.truth
    assert again.probes == fleet.probes
    later = build_fleet(as_of=AS_OF + timedelta(days=10))
    for old, new in zip(fleet.sites, later.sites, strict=True):
        for a, b in zip(old.columns, new.columns, strict=True):
            # Ages planted in calendar months move by 10 days give or take the months' lengths.
            if a.newest is None:
                assert b.newest is None
            else:
                assert abs((b.newest - a.newest).days - 10) <= 3
    assert later.probes[0].time == fleet.probes[0].time + timedelta(days=10)
    other_seed = build_fleet(as_of=AS_OF, seed=8)
    assert other_seed.resources != fleet.resources


def test_default_sites_are_small_and_fully_reachable(fleet: Fleet) -> None:
    for site in fleet.sites:
        if not site.pages:
            continue
        assert 30 <= len(site.pages) <= 120, site.host
        crawled = crawl(fleet, site)
        assert set(crawled) == set(site.pages), site.host
        assert max(page.depth for page in crawled.values()) <= 3
        paths = {urlsplit(u).path for u in site.pages}
        assert any(p.endswith("/index_2.html") for p in paths), site.host
        assert len(site.columns) in range(4, 11)


def bfs_html_pages(fleet: Fleet, host: str, max_depth: int) -> int:
    """HTML pages of a host reachable from `/` within max_depth, over the in-memory fleet."""
    seen = {f"http://{host}/"}
    queue = deque([(f"http://{host}/", 0)])
    pages = 0
    while queue:
        url, depth = queue.popleft()
        resource = fleet.resources.get((host, urlsplit(url).path))
        if resource is None or resource.status != 200:
            continue
        if not resource.headers["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        if depth == max_depth:
            continue
        text = resource.body.decode("gbk", "replace")
        for href in HREF.findall(text):
            target = urljoin(url, href.replace("&amp;", "&")).split("#")[0]
            if urlsplit(target).hostname == host and target not in seen:
                seen.add(target)
                queue.append((target, depth + 1))
    return pages


def test_pages_per_site_sizes_every_site() -> None:
    big = build_fleet(as_of=AS_OF, n_sites=13, pages_per_site=200)
    content_sites = [s for s in big.sites if s.pages]
    assert len(content_sites) == 13
    for site in content_sites:
        assert bfs_html_pages(big, site.host, max_depth=4) >= 200, site.host


# --- files ------------------------------------------------------------------------------------


def test_write_fleet(fleet: Fleet, tmp_path: Path) -> None:
    paths = write_fleet(fleet, tmp_path)
    assert set(paths) == {"sites", "sites_gbk", "truth", "probes"}
    utf8 = paths["sites"].read_text(encoding="utf-8")
    assert utf8 == paths["sites_gbk"].read_bytes().decode("gbk")
    rows = list(csv.DictReader(io.StringIO(utf8)))
    assert list(rows[0]) == ["网站名称", "网站标识码", "首页地址", "主办单位", "单位类别",
                             "网站类型", "状态", "上级网站"]
    assert len(rows) == len(fleet.registry_rows)
    truth = json.loads(paths["truth"].read_text(encoding="utf-8"))
    assert truth["as_of"] == AS_OF.isoformat()
    assert len(truth["findings"]) == len(fleet.truth)
    assert truth["not_measured"] == fleet.not_measured
    portal = fleet.by_role("portal")[0].site_code
    assert truth["sites"][portal]["columns"][0]["newest"]
    assert truth["sites"][portal]["messages"][0]["date"]
    probes = paths["probes"].read_text(encoding="utf-8").splitlines()
    assert probes[0] == "site_code,url,time,ok,elapsed_ms,status,error"
    assert probes[1].split(",")[2].endswith("+08:00")
    assert len(probes) == 1 + len(fleet.probes)
