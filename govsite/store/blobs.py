"""Snapshot blobs in the store, written and read in chunks, never whole in memory.

A blob is addressed by the sha256 of its bytes, which are known only once the snapshot has
been serialised; a 100,000-page site's blob is over 100 MB (several times that for real
pages, which compress less than generated ones), and keeping it as one database value meant
holding it in memory three times over (ours, the driver's, SQLite's record). So the snapshot
is serialised into an unnamed temporary file while it is hashed, and stored from there in
CHUNK_BYTES pieces (`blob_chunks`); reading gives the pieces back one query at a time, for
`SiteSnapshot.load` to inflate as they come. Blobs stored before chunks existed (whole in
`blobs.data`) are read as one piece.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from govsite.snapshot import SiteSnapshot
from govsite.store.models import Blob, BlobChunk

# Big enough that a blob is a few dozen rows, small enough that the copies a driver and the
# database make of one value cost nothing next to a census's memory.
CHUNK_BYTES = 4 * 2**20


@dataclass(frozen=True)
class SpilledBlob:
    """A serialised snapshot waiting in a temporary file, with its address and size."""

    file: BinaryIO
    sha256: str
    size: int

    def chunks(self) -> Iterator[memoryview]:
        """The bytes in CHUNK_BYTES pieces, each read into the same buffer (no chunk is
        allocated twice): use one before asking for the next."""
        buffer = bytearray(CHUNK_BYTES)
        self.file.seek(0)
        while size := self.file.readinto(buffer):
            yield memoryview(buffer)[:size]


class _HashingWriter:
    """A binary sink that hashes and counts what it passes on to `file`."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        return self.file.write(data)


@contextmanager
def spill(snapshot: SiteSnapshot, directory: str | None = None) -> Iterator[SpilledBlob]:
    """`snapshot.dumps()`'s bytes in a temporary file (in `directory`), removed on exit."""
    with tempfile.TemporaryFile(prefix="govsite-blob-", dir=directory) as file:
        writer = _HashingWriter(file)
        snapshot.dump(writer)  # type: ignore[arg-type]  # write() is all dump() uses
        file.flush()
        yield SpilledBlob(file, writer.hash.hexdigest(), writer.size)


def insert_blob(session: Session, blob: SpilledBlob) -> None:
    """Add `blob` and its chunks in `session`'s transaction, unless it is stored already."""
    if session.scalar(select(Blob.sha256).where(Blob.sha256 == blob.sha256)) is not None:
        return
    try:
        # A savepoint, because on PostgreSQL another process may store the same blob between
        # our check and our insert: our row then waits for theirs and fails on the key, and
        # losing that race is fine. The blob row goes first, so the chunks never race.
        with session.begin_nested():
            session.execute(insert(Blob).values(sha256=blob.sha256, data=b"", size=blob.size))
            for seq, chunk in enumerate(blob.chunks()):
                session.execute(insert(BlobChunk).values(sha256=blob.sha256, seq=seq, data=chunk))
    except IntegrityError:
        pass


def blob_chunks(sessions: sessionmaker[Session], sha: str) -> Iterator[bytes]:
    """The bytes of blob `sha`, in order, one chunk per query and short transaction (on
    SQLite every transaction holds the write lock, so a big load must not keep one open).

    KeyError at once if there is no such blob.
    """
    with sessions() as session:
        whole = session.scalar(select(func.length(Blob.data)).where(Blob.sha256 == sha))
        if whole is None:
            raise KeyError(f"blob {sha} is missing")
        if whole:  # stored before migration 0007: one value
            return iter([session.scalar(select(Blob.data).where(Blob.sha256 == sha)) or b""])
    return _chunks(sessions, sha)


def _chunks(sessions: sessionmaker[Session], sha: str) -> Iterator[bytes]:
    seq = 0
    while True:
        with sessions() as session:
            chunk = session.scalar(
                select(BlobChunk.data).where(BlobChunk.sha256 == sha, BlobChunk.seq == seq))
        if chunk is None:
            return
        yield chunk
        seq += 1
