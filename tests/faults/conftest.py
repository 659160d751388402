"""What every fault test shares: the connections a fault cut are collected inside the test
that cut them.

A store or service stopped under a request leaves the test client's socket to it (httpcore,
on a connection that failed mid-response) for the garbage collector, which reports it as an
unraisable ResourceWarning (for the socket, or for its asyncio transport) in whichever test
runs when it collects: twice in a CI pre-check on 2026-12-01, once inside a fault test and
once in a later security test, with every book balanced both times. A fault test collects
its garbage in its own teardown, where only these two warnings are let through.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CUT_CONNECTION = (
    r"ignore:Exception ignored in. <(socket\.socket|function _SelectorTransport\.__del__)"
    r":pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(CUT_CONNECTION))


@pytest.fixture(autouse=True)
def _collect_cut_connections() -> Iterator[None]:
    yield
    gc.collect()
