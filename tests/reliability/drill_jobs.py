"""A tracked job that takes a while, for the worker-killed drill (imported by the RQ worker)."""
from __future__ import annotations

import time

from consult.jobs import report_progress


def slow(job_id: int, steps: int) -> None:
    for i in range(steps):
        report_progress(job_id, i, steps, f"第 {i} 步")
        time.sleep(0.2)
