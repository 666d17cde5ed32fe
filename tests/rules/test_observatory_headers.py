"""The header checks of `security.header_missing` against the MDN HTTP Observatory's cases.

Reads /work/shared/corpora/security/observatory/expectations.json (never copied into the
repo). Each unit case is rebuilt from `baseline_setup` + `setup` and our verdict for its header
(fine / a problem) is compared with the Observatory's `pass`.

Out of scope, and why (counted and printed, not scored):
- cases that depend on the Observatory's bundled HSTS preload list (`setup.site`);
- HSTS over no https or an invalid certificate: our rule does not judge HSTS there at all
  (security.no_https / security.cert_invalid report the cause instead);
- a missing Referrer-Policy: the Observatory passes it (browsers default to a safe policy),
  but the contract asks us to report the header as missing (security.header_missing);
- Content-Security-Policy quality (unsafe-inline, insecure schemes…): our rule asks only
  whether a policy is in force, so CSP is scored as "implemented or not" against the
  Observatory's implemented/not-implemented results, and cases without a named result are
  skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from govsite.rules.security import CSP, HSTS, REFERRER, XCTO, XFO, header_problems, page_metas

from .harness import page_from_html

CORPUS = Path("/work/shared/corpora/security/observatory")
HEADER_TESTS = {"strict-transport-security": HSTS, "content-security-policy": CSP,
                "x-content-type-options": XCTO, "x-frame-options": XFO,
                "referrer-policy": REFERRER}
CSP_NOT_IN_FORCE = {"csp-not-implemented", "csp-not-implemented-but-reporting-enabled",
                    "csp-header-invalid"}
MIN_AGREEMENT = 0.9


def _headers(setup: dict[str, Any], response: str) -> dict[str, str]:
    raw = setup.get("headers", {}).get(response, {})
    return {k.lower(): ", ".join(v) if isinstance(v, list) else v for k, v in raw.items()}


def _expected(case: dict[str, Any]) -> bool | None:
    """The Observatory's verdict mapped to ours; None when the case is out of scope."""
    setup, exp = case["setup"], case["expected"]
    result = exp.get("result")
    if "site" in setup or result is None:
        return None
    if case["test"] == "strict-transport-security" and (
            "https" in setup.get("responses_absent", []) or setup.get("https_verified") is False):
        return None
    if result == "referrer-policy-not-implemented":
        return None
    if case["test"] == "content-security-policy":
        return result not in CSP_NOT_IN_FORCE
    return exp.get("pass")


def _ours(case: dict[str, Any]) -> bool:
    setup = case["setup"]
    header = HEADER_TESTS[case["test"]]
    body = ""
    if "html" in setup:
        body = (CORPUS / setup["html"]).read_text(encoding="utf-8")
    elif "body" in setup:
        body = setup["body"]
    meta_csp, meta_referrer = page_metas(page_from_html(body, "https://mozilla.org/"))
    if header == HSTS:
        headers = _headers(setup, "https")
    else:
        headers = _headers(setup, "auto")
    problems = header_problems(headers, meta_csp=meta_csp, meta_referrer=meta_referrer,
                               hsts_judged=True)
    return problems[header] is None


def test_header_checks_agree_with_the_observatory() -> None:
    path = CORPUS / "expectations.json"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing on CI")
        pytest.skip(f"observatory corpus not present at {CORPUS}")
    cases = [c for c in json.loads(path.read_text(encoding="utf-8"))["cases"]
             if c["test"] in HEADER_TESTS]
    rows: dict[str, list[int]] = {t: [0, 0, 0] for t in HEADER_TESTS}  # agree, scored, skipped
    disagreements = []
    for case in cases:
        expected = _expected(case)
        row = rows[case["test"]]
        if expected is None:
            row[2] += 1
            continue
        row[1] += 1
        if _ours(case) == expected:
            row[0] += 1
        else:
            disagreements.append(case["id"])
    lines = [f"{t:28} agree {a:3}/{n:3} ({a / n if n else 1:.2f})  out of scope {s}"
             for t, (a, n, s) in rows.items()]
    print("\n" + "\n".join(lines) + f"\ndisagreements: {disagreements}")
    agree = sum(r[0] for r in rows.values())
    scored = sum(r[1] for r in rows.values())
    assert scored >= 50
    assert agree / scored >= MIN_AGREEMENT, (lines, disagreements)
