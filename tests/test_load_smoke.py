"""The load script as a 10-second smoke test: 90% searches, 10% submissions, 50 connections, 2 workers.

It fails on any 5xx, connection error, memory growth of 20% or more, or a submission acknowledged but
not stored. The long run is a benchmark (README, "Performance").
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR, free_port, in_ci


def test_load_smoke_passes() -> None:
    if not shutil.which("wrk"):
        message = "wrk is missing: install Debian's wrk package (see README prerequisites)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "benchmarks" / "load.py"), "--seconds", "10", "--connections", "50",
         "--workers", "2", "--port", str(free_port())],
        capture_output=True, text=True, timeout=300,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "result: PASS" in result.stdout
