"""subscriptions' event subscriptions: every public event type of the catalogue."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_runtime.consumer import AnyHandler, BatchedRaw
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_subscriptions.domain.catalogue import PUBLIC_TYPES
from jiaodui_subscriptions.service_layer.routing import accept_run


def handlers(_rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    # one instance: a run of mixed types stays one call; the feed keeps each Kafka value
    every = BatchedRaw(accept_run)
    return dict.fromkeys(PUBLIC_TYPES, every)
