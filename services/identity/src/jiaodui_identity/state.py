"""identity's own objects, built once by the composition root (bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import httpx
from jiaodui_runtime.ratelimit import RateLimiter
from redis.asyncio import Redis

from jiaodui_identity.adapters.oidc import OidcClient
from jiaodui_identity.adapters.passwords import Passwords
from jiaodui_identity.adapters.signing import TokenSigner
from jiaodui_identity.adapters.sms_codes import SmsCodes
from jiaodui_identity.settings import IdentitySettings

SOURCE = "/jiaodui/identity"


@dataclass
class Identity:
    settings: IdentitySettings
    passwords: Passwords
    signer: TokenSigner
    sms_codes: SmsCodes
    limiter: RateLimiter
    redis: Redis
    pool: asyncpg.Pool
    campus_http: httpx.AsyncClient  # campus sign-on servers (OIDC, CAS)
    oidc: OidcClient
