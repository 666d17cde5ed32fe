"""The schema comes from the migrations alone, and matches the models exactly."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, date, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, func, inspect, select, text
from test_blobs import SITE, big_snapshot

from govsite.store import Store
from govsite.store import blobs as blob_store
from govsite.store.models import Base
from govsite.store.store import MIGRATIONS

TABLES = {"runs", "sites", "blobs", "snapshots", "results", "findings", "probes", "reviews",
          "period_records", "users", "audit_log", "messages", "message_events", "blob_chunks",
          "section_plans", "section_parts", "section_chunks"}


def test_migrate_from_empty_creates_every_table(store_url: str) -> None:
    with Store(store_url) as store:
        assert not TABLES & set(inspect(store.engine).get_table_names())
        store.migrate()
        store.migrate()  # a second run is a no-op, as at every census start
        assert set(inspect(store.engine).get_table_names()) == TABLES | {"alembic_version"}
        with store.engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).all() == [
                ("0008_section_parts",)
            ]


def test_models_and_migrations_agree(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def _alembic(store: Store, action: str, revision: str) -> None:
    """Run `alembic upgrade|downgrade revision` on the store's database, as migrate() does."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def _insert_0001_result(store: Store) -> None:
    """A run, a site, a result and a finding, written with the tables as 0001 made them."""
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with store.engine.begin() as conn:
        meta = MetaData()
        tables = {
            name: Table(name, meta, autoload_with=conn)
            for name in ("runs", "sites", "results", "findings")
        }
        assert "facts" not in tables["results"].c
        key = {"run_id": "20261123-020000-a1b2c3", "site_code": "1101050001"}
        conn.execute(
            tables["runs"].insert(),
            {
                "id": key["run_id"],
                "profile": "gb2019",
                "as_of": date(2026, 11, 23),
                "started_at": now,
                "finished_at": None,
                "status": "finished",
                "options": {},
                "counts": {},
            },
        )
        conn.execute(
            tables["sites"].insert(),
            {
                **key,
                "name": "北京市朝阳区人民政府",
                "url": "http://www.bjchy.gov.cn/",
                "owner": "",
                "category": "区政府",
                "kind": "portal",
                "status": "running",
                "parent": "",
                "source_line": 2,
            },
        )
        conn.execute(
            tables["results"].insert(),
            {
                **key,
                "profile": "gb2019",
                "verdict": "fail",
                "score": 86.5,
                "measured_score": 86.5,
                "bonus": 0.0,
                "vetoes": ["column.stale"],
                "deductions": [],
                "not_measured": [],
                "stats": {"pages": 3},
                "created_at": now,
            },
        )
        conn.execute(
            tables["findings"].insert(),
            {
                **key,
                "profile": "gb2019",
                "idx": 0,
                "rule": "column.stale",
                "url": "http://www.bjchy.gov.cn/",
                "target": "http://www.bjchy.gov.cn/xwzx/",
                "detail": "栏目“新闻中心”超过14天未更新",
                "evidence": {"newest": "2026-10-30"},
            },
        )


def test_upgrade_from_0001_keeps_stored_results_with_empty_facts(store_url: str) -> None:
    with Store(store_url) as store:
        _alembic(store, "upgrade", "0001")
        _insert_0001_result(store)
        store.migrate()
        (result,) = store.load_results("20261123-020000-a1b2c3", "gb2019")
        assert result["facts"] == {}
        assert (result["verdict"], result["score"], result["vetoes"]) == (
            "fail",
            86.5,
            ["column.stale"],
        )
        assert [f["detail"] for f in result["findings"]] == ["栏目“新闻中心”超过14天未更新"]


def test_downgrade_to_0001_drops_facts_and_keeps_every_row(store_url: str) -> None:
    with Store(store_url) as store:
        _alembic(store, "upgrade", "0001")
        _insert_0001_result(store)
        store.migrate()
        _alembic(store, "downgrade", "0001")
        assert "facts" not in {c["name"] for c in inspect(store.engine).get_columns("results")}
        with store.engine.connect() as conn:
            for table in ("results", "findings"):
                reflected = Table(table, MetaData(), autoload_with=conn)
                assert conn.scalar(select(func.count()).select_from(reflected)) == 1


def test_0003_adds_probes_beside_stored_runs_and_downgrades_cleanly(store_url: str) -> None:
    from govsite.probes import ProbeRecord

    with Store(store_url) as store:
        _alembic(store, "upgrade", "0001")
        _insert_0001_result(store)
        _alembic(store, "upgrade", "0002")
        assert "probes" not in inspect(store.engine).get_table_names()
        store.migrate()
        indexes = {i["name"]: i["column_names"] for i in inspect(store.engine).get_indexes("probes")}
        assert indexes["ix_probes_site_code_time"] == ["site_code", "time"]
        moment = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
        assert store.add_probes([ProbeRecord("1101050001", "http://www.bjchy.gov.cn/", moment,
                                             ok=True)]) == 1
        assert store.load_results("20261123-020000-a1b2c3", "gb2019")[0]["score"] == 86.5
        _alembic(store, "downgrade", "0002")
        assert "probes" not in inspect(store.engine).get_table_names()
        # The models now describe a later schema; count the stored result directly.
        with store.engine.connect() as conn:
            assert conn.scalar(text("select count(*) from results")) == 1


def test_0004_adds_reviews_and_keeps_stored_findings(store_url: str) -> None:
    from govsite.review import VERDICT_FALSE_POSITIVE, Review

    with Store(store_url) as store:
        _alembic(store, "upgrade", "0001")
        _insert_0001_result(store)
        _alembic(store, "upgrade", "0003_probes")
        assert "reviews" not in inspect(store.engine).get_table_names()
        store.migrate()
        (result,) = store.load_site_results("20261123-020000-a1b2c3", "gb2019")
        assert result.findings and all(f.review is None for f in result.findings)
        review_id = store.add_review(Review(id=None, rule="content.typo", verdict=VERDICT_FALSE_POSITIVE,
                                            reason="专有名词", site_code="1101050001", text="数聚"))
        (stored,) = store.list_reviews()
        assert (stored.id, stored.text, stored.reason) == (review_id, "数聚", "专有名词")
        _alembic(store, "downgrade", "0003_probes")
        assert "reviews" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            assert conn.scalar(text("select count(*) from findings")) >= 1


def test_0005_adds_period_records_to_a_store_with_data(store_url: str) -> None:
    with Store(store_url) as store:
        _alembic(store, "upgrade", "0001")
        _insert_0001_result(store)
        _alembic(store, "upgrade", "0004_reviews")
        assert "period_records" not in inspect(store.engine).get_table_names()
        store.migrate()
        (result,) = store.load_site_results("20261123-020000-a1b2c3", "gb2019")
        assert result.findings
        store.save_record("2026Q4", "evaluation", {"total": 91.5}, key="census")
        store.save_record("2026Q4", "evaluation", {"total": 92.0}, key="census")  # replaces
        assert store.load_record("2026Q4", "evaluation", "census") == {"total": 92.0}
        assert [r[:3] for r in store.list_records()] == [("2026Q4", "evaluation", "census")]
        _alembic(store, "downgrade", "0004_reviews")
        assert "period_records" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            assert conn.scalar(text("select count(*) from findings")) >= 1


def test_0007_reads_blobs_stored_whole_and_downgrades_chunked_ones_back(
        store_url: str, monkeypatch) -> None:
    old_snap, new_snap = big_snapshot(4, 3_000, seed=1), big_snapshot(30, 10_000, seed=2)
    old_blob = old_snap.dumps()
    old_sha = hashlib.sha256(old_blob).hexdigest()
    run_id = "20261123-020000-a1b2c3"
    with Store(store_url) as store:
        _alembic(store, "upgrade", "0006_web")
        with store.engine.begin() as conn:  # a snapshot stored as 0006 stored it: whole
            runs, sites, blobs, snapshots = (Table(n, MetaData(), autoload_with=conn)
                                             for n in ("runs", "sites", "blobs", "snapshots"))
            conn.execute(runs.insert(), {
                "id": run_id, "profile": "gb2019", "as_of": date(2026, 11, 23),
                "started_at": datetime(2026, 11, 23, 2, 0, tzinfo=UTC), "finished_at": None,
                "status": "finished", "options": {}, "counts": {}})
            conn.execute(sites.insert(), {
                "run_id": run_id, "site_code": "1101050001", "name": "北京市朝阳区人民政府",
                "url": "http://www.bjchy.gov.cn/", "owner": "", "category": "区政府",
                "kind": "portal", "status": "running", "parent": "", "source_line": 2})
            conn.execute(blobs.insert(), {"sha256": old_sha, "data": old_blob,
                                          "size": len(old_blob)})
            conn.execute(snapshots.insert(), {
                "run_id": run_id, "site_code": "1101050001", "blob_sha": old_sha,
                "pages": 4, "links": 4, "blocked": None, "fetched_at": None})
        store.migrate()
        assert store.load_snapshot(run_id, "1101050001").dumps() == old_blob
        monkeypatch.setattr(blob_store, "CHUNK_BYTES", 32 * 1024)
        new_sha = store.save_snapshot(run_id, new_snap)
        again = store.create_run(profile="gb2019", as_of="2026-11-24")
        assert store.save_snapshot(again, old_snap) == old_sha  # already stored, whole
        with store.engine.connect() as conn:
            counts = dict(conn.execute(text(
                "select sha256, count(*) from blob_chunks group by sha256")).all())
        assert counts.keys() == {new_sha} and counts[new_sha] > 3
        new_blob = store.load_snapshot(run_id, SITE.site_code).dumps()
        assert hashlib.sha256(new_blob).hexdigest() == new_sha
        _alembic(store, "downgrade", "0006_web")
        assert "blob_chunks" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            whole = dict(conn.execute(text("select sha256, data from blobs")).all())
        assert whole == {old_sha: old_blob, new_sha: new_blob}
        assert gzip.decompress(whole[new_sha])  # a whole gzip stream again
