"""The store's probe methods, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from govsite.probes import ProbeRecord
from govsite.store import Store

T = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
A = ("1101050001", "http://www.a.gov.cn/")
B = ("1101050002", "http://www.b.gov.cn/")


def rec(key: tuple[str, str], hour: int, ok: bool, error: str = "", elapsed: float = 100.0) -> ProbeRecord:
    moment = T + timedelta(hours=hour)
    return ProbeRecord(site_code=key[0], url=key[1], time=moment + timedelta(seconds=2), ok=ok,
                       error=error or ("" if ok else "timeout"), slot=moment, elapsed_ms=elapsed,
                       status=200 if ok else None)


def test_adding_is_idempotent_and_counts_only_new_probes(store: Store) -> None:
    batch = [rec(A, h, True) for h in range(2500)]  # more than one INSERT batch
    assert store.add_probes(batch) == 2500
    assert store.add_probes(batch[-10:] + [rec(A, 2500, True)]) == 1
    assert store.count_probes() == 2501
    assert store.last_slots() == {A: T + timedelta(hours=2500)}


def test_failure_streaks_skip_blocked_probes_and_end_at_a_success(store: Store) -> None:
    store.add_probes([
        rec(A, 0, True), rec(A, 1, False), rec(A, 2, True), rec(A, 3, False),
        rec(A, 4, False, "blocked"), rec(A, 5, False), rec(A, 6, False),
        rec(B, 0, False), rec(B, 1, True),
    ])
    assert store.failure_streaks() == {A: (3, T + timedelta(hours=3, seconds=2))}


def test_counts_per_period_last_probes_and_latencies(store: Store) -> None:
    store.add_probes([rec(A, h, h % 4 != 0, elapsed=float(10 * h)) for h in range(48)]
                     + [rec(A, 48, False, "blocked"), rec(B, 47, True)])
    counts = store.probe_counts({"first_day": (T, T + timedelta(days=1)),
                                 "all": (T, T + timedelta(days=3))})
    assert counts[(A[0], A[1], "home")] == {"first_day": (24, 6, 0), "all": (48, 12, 1)}
    assert counts[(B[0], B[1], "home")]["first_day"] == (0, 0, 0)
    last = store.last_probes()
    assert last[A].error == "blocked" and last[B].ok
    assert store.last_probes(site_codes=[B[0]]).keys() == {B}
    assert sorted(store.latencies(T, T + timedelta(hours=8))[A]) == [10, 20, 30, 50, 60, 70]
