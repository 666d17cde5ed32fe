"""Run the `govsite` command line as a user does, for the tests that drive it end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_govsite(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`govsite ARGS` in a subprocess, with wide plain output."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "govsite", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
