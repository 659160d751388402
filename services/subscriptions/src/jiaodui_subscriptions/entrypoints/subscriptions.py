"""subscriptions' event subscriptions: every public event type of the catalogue."""

from __future__ import annotations

from collections.abc import Mapping

from jiaodui_contracts.records import RecordsImported
from jiaodui_contracts.views import view_of
from jiaodui_runtime.consumer import AnyHandler, BatchedRaw
from jiaodui_runtime.service import ServiceRuntime

from jiaodui_subscriptions.domain.catalogue import PUBLIC_TYPES
from jiaodui_subscriptions.service_layer.routing import accept_run

IMPORT_SCOPE = view_of(RecordsImported, ["institution_code"])


def handlers(_rt: ServiceRuntime) -> Mapping[str, AnyHandler]:
    # one instance: a run of mixed types stays one call. The feed keeps each Kafka value as
    # it came; of an import's batch only the institution is read, to route it (validating
    # its records was ~40 % of this consumer's CPU in an import)
    every = BatchedRaw(accept_run, reads={RecordsImported.TYPE: IMPORT_SCOPE})
    return dict.fromkeys(PUBLIC_TYPES, every)
