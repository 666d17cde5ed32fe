"""Snapshot blobs stored in chunks on SQLite and PostgreSQL: byte for byte, once per content,
and never whole in memory on the way in or out."""

from __future__ import annotations

import base64
import hashlib
import random
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from govsite import snapshot_reader
from govsite.collect.spool import PageSpool, SpooledPage
from govsite.sites import Site
from govsite.snapshot import Link, LinkCheck, Page, SiteSnapshot
from govsite.store import Store
from govsite.store import blobs as blob_store
from govsite.store.models import Blob, BlobChunk

SITE = Site(name="某某区人民政府", site_code="1101080001", url="http://www.mm.gov.cn/")


def big_snapshot(pages: int, page_bytes: int, *, seed: int = 7, spool: bool = False) -> SiteSnapshot:
    """A site whose pages carry `page_bytes` of text that hardly compresses (base64 of
    random bytes), so the blob is about pages × page_bytes; spooled like a big crawl."""
    rng = random.Random(seed)
    keep = PageSpool().keep if spool else (lambda page: page)
    made: list[Page] = []
    for n in range(pages):
        url = f"{SITE.url}lm{n}/index.html" if n else SITE.url
        body = base64.b64encode(rng.randbytes(page_bytes * 3 // 4)).decode()
        page = Page(url=url, final_url=url, status=200, fetched_at="2026-11-23T10:00:00+08:00",
                    headers={"content-type": "text/html"}, elapsed_ms=rng.random() * 100,
                    content_type="text/html", charset="utf-8",
                    html=f"<html><title>栏目{n}</title><body><p>{body}</p></body></html>",
                    title=f"栏目{n}", links=[Link(f"{SITE.url}lm{n + 1}/index.html", "x")],
                    depth=1 if n else 0, referrer=SITE.url if n else None)
        made.append(keep(page) if n else page)
    return SiteSnapshot(site=SITE, fetched_at="2026-11-23T10:00:00+08:00", home=made[0],
                        pages=made, checks={p.url: LinkCheck(url=p.url, ok=True, status=200)
                                            for p in made})


def chunk_count(store: Store, sha: str) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(BlobChunk)
                           .where(BlobChunk.sha256 == sha)) or 0


def test_a_blob_of_several_chunks_comes_back_byte_for_byte(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(blob_store, "CHUNK_BYTES", 64 * 1024)
    snap = big_snapshot(50, 10_000)
    blob = snap.dumps()
    assert len(blob) > 4 * 64 * 1024
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    sha = store.save_snapshot(run, snap)
    assert sha == hashlib.sha256(blob).hexdigest()
    assert chunk_count(store, sha) == -(-len(blob) // (64 * 1024))
    with store.engine.connect() as conn:
        assert conn.execute(select(Blob.data, Blob.size)).one() == (b"", len(blob))
    assert b"".join(blob_store.blob_chunks(store._session, sha)) == blob
    loaded = store.load_snapshot(run, SITE.site_code)
    assert loaded.dumps() == blob and loaded.to_json() == snap.to_json()
    with pytest.raises(KeyError):
        blob_store.blob_chunks(store._session, "0" * 64)


def test_a_blob_stored_whole_before_chunks_is_still_read(store: Store) -> None:
    """Stores written before migration 0007 keep each blob whole in blobs.data."""
    snap = big_snapshot(3, 2_000)
    blob = snap.dumps()
    sha = hashlib.sha256(blob).hexdigest()
    with store._session.begin() as session:
        session.add(Blob(sha256=sha, data=blob, size=len(blob)))
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    assert store.save_snapshot(run, snap) == sha  # found stored: no chunks added
    assert chunk_count(store, sha) == 0
    assert store.load_snapshot(run, SITE.site_code).dumps() == blob


def test_a_big_stored_snapshot_loads_spooled_and_bounded(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(snapshot_reader, "SPOOL_ABOVE_MAX_PAGES", 10)
    monkeypatch.setattr(blob_store, "CHUNK_BYTES", 256 * 1024)
    snap = big_snapshot(250, 40_000, spool=True)  # a ~7.5 MB blob, 30 chunks
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    sha = store.save_snapshot(run, snap)
    with store.engine.connect() as conn:
        size = conn.scalar(select(Blob.size))
    tracemalloc.start()
    try:
        loaded = store.load_snapshot(run, SITE.site_code)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert all(isinstance(p, SpooledPage) for p in loaded.pages[1:])
    assert peak < size / 2, (peak, size)
    assert hashlib.sha256(loaded.dumps()).hexdigest() == sha


def test_saving_a_big_spooled_snapshot_never_holds_its_blob(store: Store) -> None:
    snap = big_snapshot(520, 40_000, spool=True)  # a ~16 MB blob: four chunks
    run = store.create_run(profile="gb2019", as_of="2026-11-23")
    tracemalloc.start()
    try:
        sha = store.save_snapshot(run, snap)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    with store.engine.connect() as conn:
        size = conn.scalar(select(Blob.size))
    assert size > 3 * blob_store.CHUNK_BYTES
    assert chunk_count(store, sha) == -(-size // blob_store.CHUNK_BYTES)
    # One chunk and a page or two at a time; before, the blob was in memory twice over.
    assert peak < size / 2, (peak, size)
    assert hashlib.sha256(store.load_snapshot(run, SITE.site_code).dumps()).hexdigest() == sha


def test_the_same_big_blob_saved_at_once_is_stored_once(store: Store, monkeypatch) -> None:
    """Eight writers race to store one multi-chunk blob (on PostgreSQL truly at once)."""
    monkeypatch.setattr(blob_store, "CHUNK_BYTES", 16 * 1024)
    snap = big_snapshot(20, 8_000)
    blob = snap.dumps()
    runs = [store.create_run(profile="gb2019", as_of="2026-11-23") for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        shas = set(pool.map(lambda run: store.save_snapshot(run, snap), runs))
    assert shas == {hashlib.sha256(blob).hexdigest()}
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Blob)) == 1
    assert chunk_count(store, shas.pop()) == -(-len(blob) // (16 * 1024))
    assert all(store.load_snapshot(run, SITE.site_code).dumps() == blob for run in runs)
