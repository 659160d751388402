"""Who owns a record: the latest IdentityMatched wins."""

from __future__ import annotations

from collections.abc import Sequence

from jiaodui_contracts.records import IdentityMatched


def latest_matches(matches: Sequence[IdentityMatched]) -> list[IdentityMatched]:
    """One match per record, the one that applying the run in order would leave: the latest
    ``matched_at``, and on a tie the later event (an older match never replaces a newer)."""
    kept: dict[str, IdentityMatched] = {}
    for match in matches:
        before = kept.get(match.record_id)
        if before is None or before.matched_at <= match.matched_at:
            kept[match.record_id] = match
    return list(kept.values())
