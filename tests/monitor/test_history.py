"""Probe history in the store and in CSV: round trips, bad rows, the census's view of it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from govsite.clock import CST
from govsite.monitor.history import export_csv, import_csv, open_probes
from govsite.probes import (
    HEADER,
    KIND_SYSTEM,
    ProbeFileError,
    ProbeHistory,
    ProbeRecord,
    load_probes_csv,
    read_probe_records,
)
from govsite.store import Store, sqlite_url

AS_OF = date(2026, 11, 23)
T = datetime(2026, 11, 20, 9, 0, tzinfo=CST)


def records() -> list[ProbeRecord]:
    """A day of one site's home page (two failures, one WAF block) and its 在线系统."""
    out = []
    for n in range(24):
        moment = T + timedelta(hours=n)
        ok = n not in (3, 4, 10)
        error = "" if ok else ("blocked" if n == 10 else "timeout")
        out.append(ProbeRecord(
            site_code="1101050001", url="http://www.bjchy.gov.cn/", time=moment, ok=ok,
            elapsed_ms=123.4 if ok else 15000.0, status=200 if ok else (403 if n == 10 else None),
            error=error, slot=moment.replace(second=0), dns_ms=0.5, connect_ms=1.25,
            tls_ms=None, ttfb_ms=80.0 if ok else None, bytes=5120 if ok else 0,
            attempts=1 if ok else 2, detail="" if ok else "首次：timeout；复测：timeout"))
    out.append(ProbeRecord(site_code="1101050001", url="https://zwfw.bjchy.gov.cn/sb",
                           time=T, ok=True, elapsed_ms=300.0, status=200, kind=KIND_SYSTEM,
                           tls_ms=12.5))
    return out


def test_export_then_import_round_trips_every_field(store: Store, tmp_path: Path) -> None:
    original = records()
    assert store.add_probes(original) == len(original)
    path = tmp_path / "probes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        assert export_csv(store, handle) == len(original)
    assert path.read_text(encoding="utf-8").startswith(",".join(HEADER))
    with Store(sqlite_url(tmp_path / "other.db")) as other:
        other.migrate()
        result = import_csv(other, path)
        assert (result.rows, result.added, result.duplicates) == (25, 25, 0)
        assert list(other.iter_probes()) == list(store.iter_probes())
        assert import_csv(other, path).added == 0  # a second import adds nothing
    # Back into the store it came from: every row is already there.
    assert import_csv(store, path).duplicates == 25


def test_export_filters_by_days_site_and_kind(store: Store, tmp_path: Path) -> None:
    store.add_probes(records())
    path = tmp_path / "home.csv"
    with path.open("w", encoding="utf-8") as handle:
        count = export_csv(store, handle, start=T + timedelta(hours=12), kind="home",
                           site_codes=["1101050001"])
    assert count == 12
    assert {r.kind for r in read_probe_records(path)} == {"home"}


def test_bad_rows_name_file_line_and_column_and_import_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "other-monitor.csv"
    path.write_text(
        "site_code,url,time,ok,elapsed_ms,status,error\n"
        "1101050001,http://www.bjchy.gov.cn/,2026-11-20T09:00:00+08:00,1,120,200,\n"
        "1101050001,http://www.bjchy.gov.cn/,2026-11-20 10:00:00,1,120,200,\n"
        "1101050001,http://www.bjchy.gov.cn/,2026-11-20T11:00:00+08:00,yes,120,200,\n"
        ",http://www.bjchy.gov.cn/,2026-11-20T12:00:00+08:00,0,15000,,timeout\n"
        "1101050001,http://www.bjchy.gov.cn/,2026-11-20T13:00:00+08:00,1,fast,999,\n"
        "1101050001,http://www.bjchy.gov.cn/,2026-11-20T14:00:00+08:00,1,120,200,timeout\n",
        encoding="utf-8")
    with pytest.raises(ProbeFileError) as caught:
        import_csv(store, path)
    assert caught.value.problems == [
        f"{path}:3: column time: '2026-11-20 10:00:00' has no UTC offset",
        f"{path}:4: column ok: 'yes' must be 1 or 0",
        f"{path}:5: column site_code: is empty",
        f"{path}:6: column elapsed_ms: 'fast' is not a number",
        f"{path}:6: column status: '999' is out of range (from 100 to 599)",
        f"{path}:7: column error: ok is 1 but error is 'timeout': a probe cannot both open and fail",
    ]
    assert store.count_probes() == 0  # not even line 2, which was fine


def test_missing_columns_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text("site_code,time,ok\n1,2026-11-20T09:00:00+08:00,1\n", encoding="utf-8")
    with pytest.raises(ProbeFileError, match=r"short.csv:1: missing columns url, elapsed_ms, status, error"):
        load_probes_csv(path)


def test_census_reads_the_window_of_home_probes_from_a_store_or_a_csv(store: Store, tmp_path: Path) -> None:
    early = ProbeRecord(site_code="1101050001", url="http://www.bjchy.gov.cn/",
                        time=T - timedelta(days=10), ok=False, error="timeout")
    store.add_probes([*records(), early])
    from_store = open_probes(store.url, as_of=AS_OF).for_site("1101050001")
    assert len(from_store) == 24  # the home page's day; not the system, not 10 days ago
    assert [p.time for p in from_store] == sorted(p.time for p in from_store)
    assert sum(not p.ok for p in from_store) == 3
    # A profile that widens the window gets the older probe too.
    wide = open_probes(store.url, as_of=AS_OF,
                       options={"availability.unreachable": {"window_days": 14}})
    assert len(wide.for_site("1101050001")) == 25
    assert open_probes(store.url, as_of=AS_OF).for_site("9999999999") == []
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8") as handle:
        export_csv(store, handle)
    from_csv = open_probes(str(path), as_of=AS_OF)
    assert isinstance(from_csv, ProbeHistory)
    assert [p for p in from_csv.for_site("1101050001") if p.time >= T] == from_store


def test_a_store_without_probes_is_a_clear_error(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "empty.db")
    with pytest.raises(ProbeFileError, match="no probe history here"):
        open_probes(url, as_of=AS_OF)
