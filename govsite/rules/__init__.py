"""Rules: one module per family; importing this package registers every rule."""

from govsite.rules import (  # noqa: F401
    a11y,
    a11y_browser,
    availability,
    content,
    domain,
    footer,
    freshness,
    interaction,
    links,
    meta,
    mobile,
    registry,
    search,
    security,
    security_exposure,
    security_libraries,
    service,
)
