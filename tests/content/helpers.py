"""Snapshots built from HTML strings, with the census's own parser, for the content tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govsite.collect.parse import parse_html
from govsite.rules.base import RuleContext, all_rules, judge
from govsite.sites import Site
from govsite.snapshot import Page, SiteSnapshot

AS_OF_TEXT = "2026-11-23"
HOME = "http://www.bjhd.gov.cn/"
SITE = Site(name="北京市海淀区人民政府", site_code="1101050001", url=HOME, kind="portal", category="区政府")
CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def page(html: str, url: str = HOME) -> Page:
    parsed = parse_html(html, url)
    return Page(
        url=url,
        final_url=url,
        status=200,
        fetched_at="2026-11-23T10:00:00+08:00",
        content_type="text/html",
        html=html,
        title=parsed.title,
        meta=parsed.meta,
        links=parsed.links,
    )


def snapshot(*pages: Page, site: Site = SITE) -> SiteSnapshot:
    return SiteSnapshot(site=site, fetched_at="2026-11-23T10:00:00+08:00", home=pages[0], pages=list(pages))


def run_content(snap: SiteSnapshot, ctx: RuleContext | None = None):  # noqa: ANN201
    from datetime import date

    rules = [r for r in all_rules() if r.meta.family == "content"]
    return judge(snap, ctx or RuleContext(as_of=date.fromisoformat(AS_OF_TEXT)), rules)


def html_of(body: str, head: str = "") -> str:
    return f'<html><head><meta charset="utf-8"><title>测试页面</title>{head}</head><body>{body}</body></html>'


def corpus(path: str) -> Path:
    """A file of ../shared/corpora; skipped when absent, except in CI where it is always there."""
    full = CORPORA / path
    if not full.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"corpus {full} is missing in CI (it is checked out beside the repo)")
        pytest.skip(f"shared corpus {full} not present beside the repository")
    return full
