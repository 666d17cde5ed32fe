"""Which pages `--browser` opens: home, every column, a few articles (no browser needed)."""

from __future__ import annotations

from govsite.collect.browser import sample_pages
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

HOME = "http://www.sample.gov.cn/"


def page(path: str, depth: int, status: int = 200) -> Page:
    return Page(url=HOME + path, final_url=HOME + path, status=status, fetched_at="",
                content_type="text/html", html="<html><body>页面</body></html>", depth=depth)


def snapshot(paths: list[tuple[str, int]]) -> SiteSnapshot:
    home = page("", 0)
    snap = SiteSnapshot(site=Site(name="抽样测试", site_code="1100000009", url=HOME),
                        fetched_at="", home=home)
    snap.pages = [home] + [page(p, d) for p, d in paths]
    return snap


def urls(pages: list[Page]) -> list[str]:
    return [p.url.removeprefix(HOME) for p in pages]


def test_home_each_column_once_and_articles_spread_over_the_site() -> None:
    articles = [(f"xwzx/202611/t202611{i:02d}_{i}.html", 2) for i in range(1, 10)]
    snap = snapshot([("xwzx/", 1), ("xwzx/index_1.html", 2), ("zwgk/zcwj/", 1),
                     ("about.html", 1), *articles])
    # Two columns (the paged list counts once, as its first page), then 3 of 9 articles.
    assert urls(sample_pages(snap, limit=30, articles=3)) == [
        "", "xwzx/", "zwgk/zcwj/", "xwzx/202611/t20261101_1.html",
        "xwzx/202611/t20261104_4.html", "xwzx/202611/t20261107_7.html"]
    assert urls(sample_pages(snap, limit=2, articles=3)) == ["", "xwzx/"]
    assert urls(sample_pages(snap, limit=30, articles=0)) == ["", "xwzx/", "zwgk/zcwj/"]


def test_failed_pages_are_never_sampled_and_unknown_schemes_go_nearest_first() -> None:
    snap = snapshot([("c.html", 2), ("b.html", 1), ("a.html", 1)])
    snap.pages.append(page("gone/", 1, status=404))
    assert urls(sample_pages(snap, limit=30, articles=3)) == ["", "a.html", "b.html", "c.html"]
    assert urls(sample_pages(snap, limit=2, articles=3)) == ["", "a.html"]
