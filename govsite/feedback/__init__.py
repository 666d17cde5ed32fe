"""feedback: the 我为政府网站找错 message workflow (分办 → 办理 → 答复 → 办结, 退回重办).

The centre routes each public error report to the unit that owns the site, the unit handles
and answers it, the centre closes it or returns it for redo, and deadlines count Chinese
working days. Library first: the CLI (`govsite messages`) and the web pages call these.

    model.py      Message (mirrors the store's MessageRow), states, sources, types
    states.py     the state machine: receive, who may take which step, the step's effects
    deadlines.py  working-day arithmetic (调休 included) and the deadlines.yaml profiles
    routing.py    the unit of a site, by its 上级网站 chain
    importer.py   the national platform's export (CSV/XLSX), all-or-nothing, idempotent
    stats.py      按期办结率 and the other figures, as of any moment
    reminders.py  deadline reminders through the monitor's e-mail and webhook sinks

Storage is `govsite.store.message_store.MessageStoreMixin` (part of `Store`). `reminders` is
not re-exported here: it uses the monitor, which uses the store, which uses this package.
"""

from govsite.feedback.deadlines import (
    Deadline,
    DeadlineConfigError,
    DeadlinePolicy,
    add_working_days,
    is_approximate,
    load_policy,
)
from govsite.feedback.importer import MessageFileError, read_messages
from govsite.feedback.model import (
    MESSAGE_TYPES,
    STATES,
    FeedbackError,
    Message,
    MessageEvent,
)
from govsite.feedback.routing import Route, Router, RoutingError
from govsite.feedback.states import ACTIONS, TransitionError, allowed_actions, receive
from govsite.feedback.stats import MessageStats, UnitStats, message_stats

__all__ = [
    "ACTIONS",
    "MESSAGE_TYPES",
    "STATES",
    "Deadline",
    "DeadlineConfigError",
    "DeadlinePolicy",
    "FeedbackError",
    "Message",
    "MessageEvent",
    "MessageFileError",
    "MessageStats",
    "Route",
    "Router",
    "RoutingError",
    "TransitionError",
    "UnitStats",
    "add_working_days",
    "allowed_actions",
    "is_approximate",
    "load_policy",
    "message_stats",
    "read_messages",
    "receive",
]
