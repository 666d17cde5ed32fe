"""Rules: one module per family; importing this package registers every rule."""

from govsite.rules import availability, domain, footer, links, meta, registry  # noqa: F401
