"""Turning census results into decisions: multi-source evaluation, rankings, sampling,
rectification re-checks and self-check verification (issue 7). Documents are in report/."""
