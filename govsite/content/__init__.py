"""The text pipeline of the content checks (严重表述错误, 错别字, 违规内容, 暗链).

`text` extracts each site's visible text blocks once, `normalize` folds them for matching while
keeping the way back to what the site wrote, `lexicon`/`matcher` load and match the curated
and user lexicons, `typo` finds one-character slips with confusion sets and word frequencies,
`hidden` finds dark links, and `scan` runs them once per site for the rules in
`govsite.rules.content`. See docs/content.md.
"""

from govsite.content.lexicon import (
    Entry,
    LexiconError,
    LexiconSet,
    effective_lexicons,
    load_lexicon_file,
    load_user_lexicons,
    package_lexicons,
)
from govsite.content.normalize import Normalized, normalize
from govsite.content.typo import TypoHit, find_typos

__all__ = [
    "Entry",
    "LexiconError",
    "LexiconSet",
    "Normalized",
    "TypoHit",
    "effective_lexicons",
    "find_typos",
    "load_lexicon_file",
    "load_user_lexicons",
    "normalize",
    "package_lexicons",
]
