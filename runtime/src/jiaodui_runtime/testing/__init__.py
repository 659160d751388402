"""Test support shipped with the runtime: stack discovery, fakes, polling, fixtures."""

from jiaodui_runtime.testing.fakes import InMemoryPublisher, SentMessage
from jiaodui_runtime.testing.poll import eventually
from jiaodui_runtime.testing.stack import StackEndpoints, locate_stack

__all__ = ["InMemoryPublisher", "SentMessage", "StackEndpoints", "eventually", "locate_stack"]
