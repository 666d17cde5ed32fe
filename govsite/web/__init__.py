"""The web application of govsite (`govsite serve`): dashboards, site pages, reviews, exports.

`create_app` builds it over a store; see docs/web.md for its pages, roles and security.
"""

from govsite.web.app import create_app

__all__ = ["create_app"]
