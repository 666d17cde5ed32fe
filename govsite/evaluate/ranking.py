"""Competition ranking (“1224”): equal scores share a rank and the next rank skips.

This is how 通报 rank sites: two sites on 85.50 are both 第2名 (并列), and the next one is
第4名, so a rank still tells how many sites did better.
"""

from __future__ import annotations

from collections.abc import Sequence

# Totals are printed with 2 decimals, so scores are compared as printed: a tie the reader
# sees (85.50 and 85.50) is a tie, and a float artefact (85.499999…) never splits one.
DECIMALS = 2


def competition_ranks(values: Sequence[float | None]) -> list[int | None]:
    """Rank each value, highest first, in the input's order; None stays unranked (None)."""
    keys = [None if v is None else round(v, DECIMALS) for v in values]
    ordered = sorted((k for k in keys if k is not None), reverse=True)
    first: dict[float, int] = {}
    for position, key in enumerate(ordered, 1):
        first.setdefault(key, position)
    return [None if k is None else first[k] for k in keys]


def rank_zh(rank: int | None, ranks: Sequence[int | None]) -> str:
    """`第6名`, or `并列第6名` when another entry of `ranks` shares it; `未排名` for None."""
    if rank is None:
        return "未排名"
    tied = sum(1 for r in ranks if r == rank) > 1
    return f"{'并列' if tied else ''}第{rank}名"
