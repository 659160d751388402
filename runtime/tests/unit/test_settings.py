from typing import ClassVar

import pytest
from jiaodui_runtime.settings import ServiceSettings
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JIAODUI_DEMO_", extra="ignore", frozen=True)
    service_name: ClassVar[str] = "demo"


def test_database_defaults_to_the_service_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIAODUI_DATABASE_URL", raising=False)
    assert DemoSettings().database_url.endswith("/demo")


def test_service_prefix_wins_over_shared_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIAODUI_KAFKA_BOOTSTRAP", "shared:9092")
    assert DemoSettings().kafka_bootstrap == "shared:9092"
    monkeypatch.setenv("JIAODUI_DEMO_KAFKA_BOOTSTRAP", "own:9092")
    assert DemoSettings().kafka_bootstrap == "own:9092"


def test_prod_refuses_dev_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIAODUI_DEMO_ENVIRONMENT", "prod")
    with pytest.raises(ValidationError, match="identity_hash_secret"):
        DemoSettings()
    monkeypatch.setenv("JIAODUI_IDENTITY_HASH_SECRET", "a-real-secret-from-the-vault")
    with pytest.raises(ValidationError, match="collection_code_secret"):
        DemoSettings()
    monkeypatch.setenv("JIAODUI_COLLECTION_CODE_SECRET", "another-real-secret")
    assert DemoSettings().environment == "prod"
