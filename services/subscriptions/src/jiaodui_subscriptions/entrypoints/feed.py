"""``GET /v1/feed``: the pull feed for a campus system's client-credentials token."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Response
from jiaodui_runtime.deps import CurrentClient, Db

from jiaodui_subscriptions.entrypoints.deps import SubscriptionsDep
from jiaodui_subscriptions.entrypoints.schemas import FeedPage
from jiaodui_subscriptions.service_layer import feed

router = APIRouter(prefix="/v1/feed", tags=["feed"])


@router.get("", response_model=FeedPage)
async def read_feed(
    client: CurrentClient,
    pool: Db,
    subs: SubscriptionsDep,
    after: Annotated[str | None, Query(max_length=64)] = None,
    types: Annotated[
        str | None, Query(max_length=2000, description="comma-separated event types")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """The institution's events of the chosen types after `after`, oldest first; follow
    `next`. The same bodies webhooks carry."""
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
    bodies, next_cursor = await feed.read(
        pool,
        client,
        after=after,
        types=wanted,
        limit=min(limit, subs.settings.feed_max_limit),
    )
    # the stored CloudEvent bytes as they are: no parse and re-serialise per item
    content = b'{"items":[' + b",".join(bodies) + b'],"next":' + orjson.dumps(next_cursor) + b"}"
    return Response(content, media_type="application/json")
