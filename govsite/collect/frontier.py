"""The crawl's queue of pages still to fetch, with at most `limit` of them in memory.

A breadth-first crawl discovers pages far faster than it fetches them: on a 100,000-page site
~20 new links a page leave tens of thousands of URLs pending at once. Entries beyond `limit`
go, in arrival order, to a SQLite table in a temporary file (made on the first overflow,
deleted on close) and come back in batches of `limit` as memory drains. New entries queue
behind the spilled ones, so the order stays first in, first out: the breadth-first order that
lets the page cap keep a site's shallow pages.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import weakref
from collections import deque

# (url, depth, referrer): what a worker needs to visit a page.
Entry = tuple[str, int, str | None]


class Frontier:
    """A FIFO of crawl entries; `peak_in_memory` records the most ever held in memory."""

    def __init__(self, limit: int, directory: str | None = None) -> None:
        if limit < 1:
            raise ValueError("a frontier must hold at least one entry in memory")
        self.limit = limit
        self.peak_in_memory = 0
        self._directory = directory
        self._memory: deque[Entry] = deque()
        self._disk: _SpillFile | None = None

    def __len__(self) -> int:
        return len(self._memory) + (len(self._disk) if self._disk is not None else 0)

    @property
    def spilled(self) -> int:
        """Entries waiting on disk now."""
        return len(self._disk) if self._disk is not None else 0

    def push(self, entry: Entry) -> None:
        if len(self._memory) < self.limit and not self.spilled:
            self._memory.append(entry)
            self.peak_in_memory = max(self.peak_in_memory, len(self._memory))
            return
        if self._disk is None:
            self._disk = _SpillFile(self._directory)
        self._disk.push(entry)

    def pop(self) -> Entry | None:
        """The oldest entry, or None when the frontier is empty."""
        if not self._memory and self.spilled:
            assert self._disk is not None
            self._memory.extend(self._disk.pop_batch(self.limit))
            self.peak_in_memory = max(self.peak_in_memory, len(self._memory))
        return self._memory.popleft() if self._memory else None

    def close(self) -> None:
        """Delete the spill file, if any; the frontier must not be used afterwards."""
        if self._disk is not None:
            self._disk.close()
            self._disk = None
        self._memory.clear()


class _SpillFile:
    """A FIFO table in a scratch SQLite file, removed on close or when garbage-collected.

    Nothing here needs to survive a crash, so there is no journal and no fsync: an insert
    costs a few microseconds.
    """

    def __init__(self, directory: str | None) -> None:
        handle, path = tempfile.mkstemp(prefix="govsite-frontier-", suffix=".sqlite",
                                        dir=directory)
        os.close(handle)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("pragma journal_mode=off")
        self._db.execute("pragma synchronous=off")
        self._db.execute(
            "create table q (id integer primary key, url text, depth integer, referrer text)"
        )
        self._count = 0
        self._remove = weakref.finalize(self, _remove, self._db, path)

    def __len__(self) -> int:
        return self._count

    def push(self, entry: Entry) -> None:
        self._db.execute("insert into q (url, depth, referrer) values (?, ?, ?)", entry)
        self._count += 1

    def pop_batch(self, size: int) -> list[Entry]:
        rows = self._db.execute(
            "select id, url, depth, referrer from q order by id limit ?", (size,)
        ).fetchall()
        if rows:
            self._db.execute("delete from q where id <= ?", (rows[-1][0],))
            self._count -= len(rows)
        return [(url, depth, referrer) for _, url, depth, referrer in rows]

    def close(self) -> None:
        self._remove()


def _remove(db: sqlite3.Connection, path: str) -> None:
    db.close()
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
