"""Rules: one module per family; importing this package registers every rule."""

from govsite.rules import (  # noqa: F401
    availability,
    content,
    domain,
    footer,
    freshness,
    interaction,
    links,
    meta,
    registry,
    search,
    service,
)
