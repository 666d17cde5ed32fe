"""monitor: a week (or a year) of availability probes, for 站点无法访问 and 首页可用性.

`govsite monitor` probes every registered home page (and optionally linked 在线系统) on an
even schedule, stores each probe with its timings and error class, alerts by e-mail and
webhook when a site goes down and when it recovers, and survives restarts without gaps or
duplicates. A census then reads the history with `--probes DB`.

    schedule.py   slot grid, jitter, the (compressible) clock, resume after restart
    probe.py      one timed probe with confirmation; collect's resolve map, UA, errors, WAF
    runner.py     the dispatcher, the batching writer, clean stop
    alerts.py     down/recovered state machine, SMTP and webhook sinks
    stats.py      uptime 24h/7d/30d, the rule window, latency percentiles
    history.py    CSV import/export, the store as a census probe source
    targets.py    what is probed (home pages, linked systems)
"""

from govsite.monitor.alerts import Alerter, AlertEvent, SmtpSink, WebhookSink
from govsite.monitor.probe import Prober, ProbeSettings
from govsite.monitor.runner import Monitor, MonitorSettings, MonitorSummary
from govsite.monitor.schedule import CompressedClock, RealClock, SlotPlan, parse_duration
from govsite.monitor.targets import Target, home_targets

__all__ = [
    "AlertEvent",
    "Alerter",
    "CompressedClock",
    "Monitor",
    "MonitorSettings",
    "MonitorSummary",
    "ProbeSettings",
    "Prober",
    "RealClock",
    "SlotPlan",
    "SmtpSink",
    "Target",
    "WebhookSink",
    "home_targets",
    "parse_duration",
]
