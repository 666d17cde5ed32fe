"""Scanning a whole site's text slice by slice, so that a scan's list of matches stays small.

The content rules scan one string holding every distinct block of a site (`scan.site_text`),
and ahocorasick-rs hands back all matches of a scan as one list: three ints a match, and the
lexicons' short terms and the typo detector's candidate forms match every few characters of
ordinary prose. At 10,000 pages that list alone was about a gigabyte, at 100,000 pages it
would be ten. Here the text is scanned in slices of about SLICE_CHARS that end just after a
line break. When no pattern contains a line break (the callers check, and blocks are joined
with line breaks), every match lies inside one slice, and the automaton starts each slice in
the state a full scan is in after a line break (the root), so the matches are exactly those
of one scan of the whole text, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SLICE_CHARS = 1 << 20


def find_matches(automaton: Any, text: str, *, newline_free: bool,
                 slice_chars: int | None = None) -> Iterator[tuple[int, int, int]]:
    """`automaton.find_matches_as_indexes(text, overlapping=True)`, a slice at a time.

    `newline_free` says that no pattern of `automaton` contains a line break; without it the
    text is scanned whole.
    """
    size = SLICE_CHARS if slice_chars is None else slice_chars
    if not newline_free or len(text) <= size:
        yield from automaton.find_matches_as_indexes(text, overlapping=True)
        return
    lo = 0
    while lo < len(text):
        cut = text.rfind("\n", lo, lo + size)
        if cut < 0:
            cut = text.find("\n", lo + size)
        hi = len(text) if cut < 0 else cut + 1
        for index, start, end in automaton.find_matches_as_indexes(text[lo:hi], overlapping=True):
            yield index, start + lo, end + lo
        lo = hi
