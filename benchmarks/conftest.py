"""A small timing harness: `bench(fn)` runs fn repeatedly and records wall-clock figures.

pytest prints the table at the end of `make bench`.
"""

import statistics
import time

import pytest

from tests.conftest import eager_celery, exam, learner  # noqa: F401 - shared fixtures

RESULTS: list[tuple[str, int, float, float, float]] = []


class Bench:
    def __init__(self, name: str):
        self.name = name

    def __call__(self, fn, *args, rounds: int = 50, setup=None, **kwargs):
        times, result = [], None
        for _ in range(rounds):
            if setup is not None:
                args, kwargs = setup()
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            times.append(time.perf_counter() - started)
        ms = [t * 1000 for t in times]
        RESULTS.append((self.name, rounds, min(ms), statistics.median(ms), max(ms)))
        return result


@pytest.fixture
def bench(request):
    return Bench(request.node.name)


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    from django.db import connection

    terminalreporter.write_line(f"\nHot paths on {connection.vendor} (milliseconds)")
    terminalreporter.write_line(f"{'benchmark':<45}{'rounds':>7}{'min':>9}{'median':>9}{'max':>9}")
    for name, rounds, lo, med, hi in RESULTS:
        terminalreporter.write_line(f"{name:<45}{rounds:>7}{lo:>9.1f}{med:>9.1f}{hi:>9.1f}")
