"""Reading a snapshot blob as it is inflated: the same snapshot as `json.loads` gives, and
the same bytes when written again, however the blob and its text are cut; big ones spooled."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from govsite import snapshot_reader
from govsite.collect.spool import SpooledPage
from govsite.sites import Site
from govsite.snapshot import Link, LinkCheck, Page, SiteSnapshot

SITE = Site(name="测试区人民政府", site_code="1100000001", url="http://www.cs.gov.cn/")


def make_snapshot(pages: int, *, seed: int = 1) -> SiteSnapshot:
    """A snapshot with what JSON can trip on: floats, big and negative numbers, escapes,
    non-BMP characters, nulls, nested dicts, and every page and check distinct."""
    rng = random.Random(seed)
    made = []
    for n in range(pages):
        url = f"{SITE.url}lm{n}/t20261120_{n}.html" if n else SITE.url
        made.append(Page(
            url=url, final_url=url, status=200 if n % 7 else 404,
            fetched_at="2026-11-23T10:00:00+08:00", error=None if n % 7 else "http_404",
            headers={"content-type": "text/html; charset=gbk", "x-n": str(n)},
            elapsed_ms=rng.random() * 1000, content_type="text/html", charset="gbk",
            html=f"<html><title>第{n}页</title><p>\"引号\"\\反斜杠\t制表 𠀀 {rng.random()}</p></html>",
            title=f"第{n}页", meta={"ColumnName": "政务公开"},
            links=[Link(f"{SITE.url}a{n}_{k}.html", f"a{n}_{k}.html", "a", "链接")
                   for k in range(3)],
            redirects=[url + "?r"] if n % 5 == 0 else [], depth=min(n, 4),
            referrer=None if n == 0 else SITE.url))
    return SiteSnapshot(
        site=SITE, fetched_at="2026-11-23T10:00:00+08:00", home=made[0], pages=made,
        checks={f"{SITE.url}a{n}_0.html": LinkCheck(url=f"{SITE.url}a{n}_0.html", ok=n % 3 != 0,
                                                    status=-1 if n % 11 == 0 else 200,
                                                    elapsed_ms=n * 0.1, attempts=2**40)
                for n in range(pages)},
        notes=["页面数达到上限"], stats={"seconds": 12.5, "ratio": 1e-7, "big": 10**20},
        soft404={"status": 200, "nested": {"list": [1, 2.5, None, True]}})


@pytest.mark.parametrize("piece", [1, 7, 4096])
def test_any_cut_of_the_text_reads_like_json_loads(monkeypatch, piece: int) -> None:
    snap = make_snapshot(40)
    blob = snap.dumps()
    monkeypatch.setattr(snapshot_reader, "INFLATE_PIECE", piece)
    chunks = [blob[i:i + 13] for i in range(0, len(blob), 13)]  # and the blob in odd pieces
    loaded = SiteSnapshot.load(chunks)
    assert loaded.to_json() == json.loads(gzip.decompress(blob))
    assert loaded.dumps() == blob
    assert loaded.home is loaded.pages[0]
    assert not any(isinstance(p, SpooledPage) for p in loaded.pages)


def test_a_big_snapshot_comes_back_spooled_and_writes_the_same_bytes(monkeypatch, tmp_path) -> None:
    snap = make_snapshot(60)
    blob = snap.dumps()
    monkeypatch.setattr(snapshot_reader, "SPOOL_ABOVE_MAX_PAGES", 20)
    loaded = SiteSnapshot.load([blob], spool_dir=str(tmp_path))
    assert type(loaded.home) is Page and loaded.home is loaded.pages[0]
    assert all(isinstance(p, SpooledPage) for p in loaded.pages[1:])  # the first 20 too
    assert max(len(v) for p in loaded.pages[1:] for v in vars(p).values()
               if isinstance(v, str)) < 200  # no body held
    assert loaded.dumps() == blob
    assert loaded.pages[33].links == snap.pages[33].links
    assert list(tmp_path.iterdir()) == []  # the spool file has no name


def test_small_snapshots_stay_whole() -> None:
    loaded = SiteSnapshot.loads(make_snapshot(30).dumps())
    assert not any(isinstance(p, SpooledPage) for p in loaded.pages)


def test_whitespace_and_member_order_do_not_matter() -> None:
    """Blobs written by other means (pretty-printed, reordered) still read."""
    data = make_snapshot(5).to_json()
    reordered = {k: data[k] for k in reversed(list(data))}
    blob = gzip.compress(json.dumps(reordered, ensure_ascii=False, indent=2).encode("utf-8"))
    assert SiteSnapshot.loads(blob).to_json() == data


@pytest.mark.parametrize("broken", [
    lambda blob: blob[:-20],                                   # truncated gzip
    lambda blob: blob + gzip.compress(b"{}"),                  # a second member
    lambda blob: gzip.compress(gzip.decompress(blob)[:-1]),    # JSON cut short
    lambda blob: gzip.compress(gzip.decompress(blob) + b"x"),  # extra JSON
    lambda blob: gzip.compress(b'{"format":"govsite.snapshot/1","checks":{"a" 1}}'),
])
def test_broken_blobs_are_refused(broken) -> None:
    with pytest.raises(ValueError, match="snapshot (blob|JSON)"):
        SiteSnapshot.loads(broken(make_snapshot(3).dumps()))


def test_an_unknown_format_is_refused_before_reading_on() -> None:
    blob = gzip.compress(b'{"format":"other/9","pages":[' + b'{"x":1},' * 1000 + b'{}]}')
    with pytest.raises(ValueError, match="unknown snapshot format"):
        SiteSnapshot.loads(blob)
