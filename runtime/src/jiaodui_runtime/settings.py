"""Service settings: one validated object per process, read from the environment.

Each service subclasses :class:`ServiceSettings` with its own prefix
(``JIAODUI_IDENTITY_`` ...). Values shared by every service (Kafka, Redis, the
identity-hash secret) may also be given once with the plain ``JIAODUI_`` prefix;
the service prefix wins. ``os.environ`` is read nowhere else.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEV_IDENTITY_HASH_SECRET = "dev-only-identity-hash-secret-change-me"  # noqa: S105
DEV_COLLECTION_CODE_SECRET = "dev-only-collection-code-secret-change-me"  # noqa: S105


class ServiceSettings(BaseSettings):
    """Settings every service has; subclasses add their own and set ``service_name``."""

    model_config = SettingsConfigDict(env_prefix="JIAODUI_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "service"

    environment: Literal["dev", "test", "prod"] = "dev"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"

    database_url: str = ""
    db_pool_min: int = 2
    db_pool_max: int = 20

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_partitions: int = 6
    kafka_replication: int = 1
    kafka_client_id_suffix: str = ""
    # Prepended to every topic name: lets environments (or tests) share one cluster.
    kafka_topic_prefix: str = ""

    redis_url: str = "redis://127.0.0.1:6379/0"
    # refuse tokens (503 auth_state_unavailable) while Redis lost its denylist and identity
    # has not restored it yet; off only where no identity writes the epoch (a lone service)
    auth_require_denylist_epoch: bool = True

    identity_hash_secret: SecretStr = SecretStr(DEV_IDENTITY_HASH_SECRET)
    collection_code_secret: SecretStr = SecretStr(DEV_COLLECTION_CODE_SECRET)
    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    jwt_issuer: str = "jiaodui-identity"
    jwt_audience: str = "jiaodui"
    public_base_url: str = "http://localhost:8080"

    outbox_poll_interval_s: float = 1.0
    # a relay batch: at most this many rows and about this many bytes of payload (the first
    # row always), up to four batches in flight (runtime/relay.py)
    outbox_batch_size: int = 2000
    outbox_batch_bytes: int = 4 << 20
    outbox_retention_s: float = 3600.0
    # inbox rows older than this are deleted (runtime/inbox_pruning.py): it must exceed the
    # retention of every topic consumed, dead-letter topics included (14 days in deploy/k8s,
    # the local broker's default 7); 0 keeps them forever
    inbox_retention_s: float = 15 * 86400.0
    inbox_prune_interval_s: float = 600.0
    consumer_max_retries: int = 5
    consumer_retry_backoff_s: float = 0.2
    consumer_batch_size: int = 500
    # a poll takes about this many bytes of events (at most consumer_batch_size of them) and
    # the fetcher buffers at most consumer_fetch_partition_bytes per partition: an import's
    # RecordsImported (~32 KB each) no longer come 500 to a poll (runtime/consumer.py)
    consumer_poll_bytes: int = 1 << 20
    consumer_fetch_partition_bytes: int = 256 << 10
    consumer_session_timeout_ms: int = 10000
    # one transaction per partition batch (falls back to one per event on failure);
    # turn off for a consumer whose handlers have effects outside its database
    consumer_batch_transactions: bool = True
    # where a consumer group that has no committed offsets yet starts
    consumer_offset_reset: Literal["earliest", "latest"] = "earliest"
    # offsets are committed at most this often while events flow (at once when they stop):
    # an instance that dies repeats up to this much, which the inbox drops
    consumer_commit_interval_s: float = 0.2
    # give memory freed after a burst back to the system: checked every interval, trimmed
    # once the process holds this many MB more than after the last trim (0 s: never)
    memory_trim_interval_s: float = 2.0
    memory_trim_grow_mb: int = 16

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        shared = EnvSettingsSource(settings_cls, env_prefix="JIAODUI_")
        return (init_settings, env_settings, shared, file_secret_settings)

    @model_validator(mode="before")
    @classmethod
    def _default_database(cls, values: Any) -> Any:
        if isinstance(values, dict) and not values.get("database_url"):
            values["database_url"] = (
                f"postgresql://jiaodui:jiaodui@127.0.0.1:5432/{cls.service_name}"
            )
        return values

    @model_validator(mode="after")
    def _refuse_dev_secrets_outside_dev(self) -> ServiceSettings:
        if self.environment == "prod":
            for name, value in self._secrets().items():
                if value.get_secret_value().startswith("dev-only-"):
                    raise ValueError(f"{name} must be set outside dev")
        return self

    def _secrets(self) -> dict[str, SecretStr]:
        return {
            name: value for name, value in self.__dict__.items() if isinstance(value, SecretStr)
        }

    @property
    def identity_hash_key(self) -> bytes:
        return self.identity_hash_secret.get_secret_value().encode()

    @property
    def collection_code_key(self) -> bytes:
        return self.collection_code_secret.get_secret_value().encode()
