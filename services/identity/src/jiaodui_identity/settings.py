"""Settings of the identity service (prefix ``JIAODUI_IDENTITY_``)."""

from __future__ import annotations

from typing import ClassVar

from jiaodui_runtime.settings import ServiceSettings
from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_IDENTITY_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "identity"

    http_port: int = 8001
    access_token_ttl_s: int = 3600
    activation_token_ttl_s: int = 48 * 3600
    activation_path: str = "/activate.html"
    unverified_account_ttl_s: int = 7 * 86400
    key_rotation_days: int = 30
    key_publish_ahead_s: int = 900
    housekeeping_interval_s: float = 60.0
    login_failures_per_ip_per_min: int = 30
    login_failures_per_ip_per_hour: int = 300
    admin_email: str = "admin@jiaodui.local"
    admin_password: SecretStr = SecretStr("dev-only-admin-password")
    # OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 (the minimum it
    # recommends); raise them here and accounts are rehashed at their next login.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1
    # threads hashing at once, each holding argon2_memory_kib; 0: one per usable CPU (the
    # process's affinity and cgroup quota, not the node's count), at most 2
    hash_workers: int = 0
    # Campus single sign-on (institutions are configured by an admin, see entrypoints/sso_admin):
    # where the gateway serves identity, the portal's landing page, how long a login may take
    sso_public_path: str = "/api/identity/v1/sso"
    sso_portal_path: str = "/sso/done"
    sso_state_ttl_s: int = 600
    sso_handoff_ttl_s: int = 60
    sso_http_timeout_s: float = 10.0
    sso_logins_per_ip_per_min: int = 600  # a campus NAT is one IP: this only bounds Redis keys
