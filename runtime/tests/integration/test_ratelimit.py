from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from jiaodui_runtime.errors import Problem
from jiaodui_runtime.ratelimit import Limit, RateLimiter
from jiaodui_runtime.testing.stack import StackEndpoints
from redis.asyncio import Redis

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def limiter(stack: StackEndpoints) -> AsyncIterator[RateLimiter]:
    redis = Redis.from_url(stack.redis_url)
    yield RateLimiter(redis, f"test-{uuid.uuid4().hex[:8]}")
    await redis.aclose()


async def test_the_tightest_window_decides_and_refusals_are_not_counted(
    limiter: RateLimiter,
) -> None:
    limits = [Limit(1, 60), Limit(5, 3600)]
    assert await limiter.hit("13800000000", limits) is None
    wait = await limiter.hit("13800000000", limits)
    assert wait is not None and 0 < wait <= 60
    # another subject is independent
    assert await limiter.hit("13900000000", limits) is None


async def test_the_longer_window_refuses_once_full(limiter: RateLimiter) -> None:
    limits = [Limit(100, 60), Limit(3, 3600)]
    for _ in range(3):
        assert await limiter.hit("acct", limits) is None
    wait = await limiter.hit("acct", limits)
    assert wait is not None and 60 < wait <= 3600


async def test_enforce_raises_a_429_problem_with_retry_after(limiter: RateLimiter) -> None:
    await limiter.enforce("x", [Limit(1, 30)])
    with pytest.raises(Problem) as caught:
        await limiter.enforce("x", [Limit(1, 30)])
    assert caught.value.status == 429 and caught.value.code == "rate_limited"
    assert 1 <= int(caught.value.headers["Retry-After"]) <= 30


async def test_several_subjects_are_limited_together(limiter: RateLimiter) -> None:
    limits = [Limit(2, 60)]
    assert await limiter.hit(["phone-a", "account-1"], limits) is None
    assert await limiter.hit(["phone-b", "account-1"], limits) is None
    # account-1 is full: refused, and phone-c is not charged for the refusal
    assert await limiter.hit(["phone-c", "account-1"], limits) is not None
    assert await limiter.hit("phone-c", [Limit(1, 60)]) is None


async def test_hit_each_answers_as_one_hit_after_another(limiter: RateLimiter) -> None:
    limits = [Limit(2, 60)]
    answers = await limiter.hit_each(["a", "b", "a", "a", "b"], limits)
    assert [a is None for a in answers] == [True, True, True, False, True]
    wait = answers[3]
    assert wait is not None and 0 < wait <= 60
    # refusals were not counted, the rest were: both subjects are full now
    assert await limiter.hit("a", limits) is not None
    assert await limiter.hit("b", limits) is not None
    assert await limiter.hit_each([], limits) == []
