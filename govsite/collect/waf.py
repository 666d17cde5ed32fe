"""Recognise a WAF / anti-bot challenge answered in place of the page.

Chinese gov sites sit behind 安全狗, 云锁, 创宇盾 (知道创宇/加速乐), 阿里云盾, 瑞数 and the like.
They answer a crawler with a block page or a JavaScript challenge that sets a cookie and
reloads. What came back is then *not the site*: judging it would accuse the site of our own
exclusion, so such answers become error `blocked`, and the rules report not_measured.

The test is deliberately conservative on 2xx answers (a news article may well mention a
网站防火墙): there a marker only counts on a page with almost no visible text.
"""

from __future__ import annotations

import re

# Statuses WAFs use for block or challenge pages. 412 is 瑞数's signature; 418 is used by some
# self-built filters; 405 by 安全狗 for blocked methods.
CHALLENGE_STATUSES = frozenset({403, 405, 412, 418, 429, 503})

# Words that only block pages use. Each is specific enough to trust on an error status.
BLOCK_MARKERS = (
    "安全狗",
    "云锁",
    "创宇盾",
    "知道创宇",
    "加速乐",
    "网站防火墙",
    "访问被拦截",
    "访问被阻断",
    "安全验证",
    "安全检测",
    "云盾",
    "Please enable JavaScript",
    "Attention Required! | Cloudflare",
)
_WAF_WORD = re.compile(r"\bWAF\b")

# Cookies set by JavaScript challenges (知道创宇 加速乐, 阿里云 acw): on any status, a page that
# computes one of these is a challenge, not content.
CHALLENGE_COOKIES = ("__jsl_clearance", "acw_sc__v2")

# A page whose visible text is shorter than this is a shell: a challenge or an error stub.
# Real gov home pages carry thousands of characters of 栏目 names and headlines.
SHORT_TEXT_CHARS = 300

# Challenge pages are small; a 2xx answer larger than this is content, whatever it mentions.
MAX_CHALLENGE_BYTES = 32_768

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_RELOAD = re.compile(r"location\s*\.\s*(reload|replace|href)|window\.location\s*=", re.I)


def _visible_text_len(html: str) -> int:
    text = _TAG.sub("", _SCRIPT_OR_STYLE.sub("", html))
    return len("".join(text.split()))


def _marker(html: str) -> str | None:
    for marker in BLOCK_MARKERS:
        if marker in html:
            return marker
    return "WAF" if _WAF_WORD.search(html) else None


def detect(status: int, html: str) -> str | None:
    """A short description of the challenge if `html` (answered with `status`) is one."""
    for cookie in CHALLENGE_COOKIES:
        if cookie in html:
            return f"HTTP {status}, challenge cookie {cookie}"
    if len(html) > MAX_CHALLENGE_BYTES and status not in CHALLENGE_STATUSES:
        return None
    short = _visible_text_len(html) < SHORT_TEXT_CHARS
    if short and "document.cookie" in html and _RELOAD.search(html):
        return f"HTTP {status}, script sets a cookie and reloads"
    marker = _marker(html)
    if marker and (status in CHALLENGE_STATUSES or short):
        return f"HTTP {status}, block page ({marker})"
    if status == 412 and "<script" in html.lower():
        return "HTTP 412 with a script challenge"
    return None
