"""What a 通报 is made from (CircularData) and who issues it to whom (CircularSettings).

The inputs are the census and evaluation models as they are, gathered by the caller: the
circular never reads the store itself, so a test (or a centre re-issuing an old circular) can
hand it exactly the records it wants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from govsite.evaluate.model import Evaluation, Recheck, SelfCheckComparison
from govsite.evaluate.period import parse_period
from govsite.results import RunResults

# Every 找错 message record carries these keys (the message store of a later issue fills them).
MESSAGE_KEYS = (
    "site_code",
    "site_name",
    "unit",
    "received_at",
    "deadline",
    "state",
    "closed_at",
    "on_time",
    "returned",
)


class CircularDataError(ValueError):
    """Inputs that cannot make a circular (a bad period, a malformed message record)."""


@dataclass
class CircularData:
    """Everything one period's circular reports on.

    `history` is (period, 合格率 in [0, 1] or None) oldest first with the current period last;
    the figures replace the current point by the rate they compute, so the trend chart and the
    text can never disagree. Every optional part (evaluation, previous_run, selfcheck, recheck,
    messages) that is None is simply left out of the documents.
    """

    period: str
    as_of: date
    run: RunResults
    evaluation: Evaluation | None = None
    history: list[tuple[str, float | None]] = field(default_factory=list)
    previous_run: RunResults | None = None
    selfcheck: SelfCheckComparison | None = None
    recheck: Recheck | None = None
    messages: list[dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        try:
            parse_period(self.period)
            for period, _ in self.history:
                parse_period(period)
        except ValueError as exc:
            raise CircularDataError(str(exc)) from exc
        for index, record in enumerate(self.messages or []):
            missing = [key for key in MESSAGE_KEYS if key not in record]
            if missing:
                raise CircularDataError(
                    f"找错留言记录第 {index + 1} 条缺少字段：{', '.join(missing)}"
                )


@dataclass(frozen=True)
class CircularSettings:
    """The letterhead of a circular: who issues it (发文机关), to whom (主送), its number and date.

    `title` replaces the text layer's title when a centre wants a one-off wording without
    writing a whole text-layer file.
    """

    issuer: str
    recipients: str
    sign_date: date
    doc_number: str | None = None
    title: str | None = None
