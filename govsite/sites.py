"""The site record every stage shares: one row of the registry (网站名录).

Kept apart from `registry.py` (which loads and validates files) so that collect, rules
and reports can name a site without importing the loaders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any
from urllib.parse import urlsplit

KIND_PORTAL = "portal"
KIND_DEPARTMENT = "department"
KIND_OTHER = "other"

STATUS_RUNNING = "running"
STATUS_CLOSED = "closed"
STATUS_MERGED = "merged"


@dataclass(frozen=True)
class Site:
    """One government website as registered (网站名称, 网站标识码, 首页地址 …).

    `kind` and `status` are normalised to the English tokens above whatever language the
    file used; `parent` is the 上级网站 as written (a site code or a URL), resolved by the
    rules that need it.
    """

    name: str
    site_code: str
    url: str
    owner: str = ""
    category: str = ""
    kind: str = KIND_OTHER
    status: str = STATUS_RUNNING
    parent: str = ""
    source_line: int = 0

    @property
    def host(self) -> str:
        """Lower-case host name of the home page URL, without port."""
        return (urlsplit(self.url).hostname or "").lower()

    def to_json(self) -> dict[str, Any]:
        """Every field, for stores and files that keep a site beside what was found on it."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Site:
        """The inverse of `to_json`; unknown keys are ignored so old files still load."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
