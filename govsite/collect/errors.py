"""The error classes collect records when a fetch gives nothing usable, and which ones to retry.

```
fetch failed
├── before a connection
│   ├── invalid_url           the URL cannot be parsed (bad port, empty host, …)
│   ├── unsupported_scheme    not http/https (ftp:, file:, a redirect to one)
│   ├── robots_denied         robots.txt forbids it; we did not ask
│   └── dns                   the host name does not resolve
├── connecting
│   ├── refused               nothing listens there (or the route is gone)
│   └── tls                   the certificate or handshake failed verification
├── during the exchange
│   ├── timeout               no complete answer within the time limit
│   └── reset                 the server dropped or garbled the connection
└── an answer came, but not a usable one (status kept beside the class)
    ├── too_many_redirects    more than 10 hops, or a loop
    ├── too_large             an HTML page beyond max_body_bytes
    ├── blocked               a WAF / anti-bot challenge, not the page
    ├── http_4xx              400–499
    └── http_5xx              500–599
```

An error is an observation, never a judgement: collect records it; rules decide whether it
is a broken link, an unmeasured site or nothing at all.
"""

from __future__ import annotations

INVALID_URL = "invalid_url"
UNSUPPORTED_SCHEME = "unsupported_scheme"
ROBOTS_DENIED = "robots_denied"
DNS = "dns"
REFUSED = "refused"
TLS = "tls"
TIMEOUT = "timeout"
RESET = "reset"
TOO_MANY_REDIRECTS = "too_many_redirects"
TOO_LARGE = "too_large"
BLOCKED = "blocked"
HTTP_4XX = "http_4xx"
HTTP_5XX = "http_5xx"

ALL = frozenset(
    {
        INVALID_URL,
        UNSUPPORTED_SCHEME,
        ROBOTS_DENIED,
        DNS,
        REFUSED,
        TLS,
        TIMEOUT,
        RESET,
        TOO_MANY_REDIRECTS,
        TOO_LARGE,
        BLOCKED,
        HTTP_4XX,
        HTTP_5XX,
    }
)

# Errors where no HTTP answer came back at all: a home page failing this way means the site
# could not be reached (as opposed to answering with an error page).
NO_ANSWER = frozenset({INVALID_URL, UNSUPPORTED_SCHEME, DNS, REFUSED, TLS, TIMEOUT, RESET})

# lychee's retry rule: the server is alive but busy or flaky, so asking again may work.
# 500 is included because overloaded Java/PHP stacks on gov servers throw it intermittently;
# 501/505 and friends are permanent answers and are not.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
TRANSIENT_ERRORS = frozenset({TIMEOUT, RESET})


def is_transient(error: str | None, status: int | None) -> bool:
    """True when the same request may well succeed if asked again.

    The one place retries are decided. Never transient: dns, refused and tls (the answer will
    not change in a second), 4xx other than 408/429 (the server meant it), too_many_redirects
    (a loop stays a loop). A WAF page answered with 429/503 is retried like any 429/503: a
    rate limiter may let the next request through.
    """
    if status is not None and status in TRANSIENT_STATUSES:
        return True
    return error in TRANSIENT_ERRORS


def error_for_status(status: int) -> str | None:
    """The class of an HTTP status that is not a success or redirect, else None."""
    if 400 <= status < 500:
        return HTTP_4XX
    if status >= 500:
        return HTTP_5XX
    return None
