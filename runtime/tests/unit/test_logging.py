from __future__ import annotations

import json
import logging

import pytest
import structlog
from jiaodui_runtime.logging import configure_logging, get_logger


@pytest.fixture(autouse=True)
def _reset_structlog() -> None:
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def test_log_lines_are_json_and_personal_data_is_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="demo", level="INFO")
    get_logger("t").info(
        "registered",
        email="student@pku.edu.cn",
        note="phone 13812345678 id 11010119900307123X",
        password="hunter22",
        url="https://x/activate.html?token=abcdefgh",
    )
    logging.getLogger("uvicorn.error").warning("client sent token=zzz999 from 13912345678")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ours, stdlib = lines
    assert ours["msg"] == "registered" and ours["service"] == "demo" and ours["level"] == "info"
    assert ours["email"] == "s***@pku.edu.cn"
    assert ours["password"] == "***"
    assert "13812345678" not in ours["note"] and "11010119900307123X" not in ours["note"]
    assert "abcdefgh" not in ours["url"]
    assert "zzz999" not in stdlib["msg"] and "13912345678" not in stdlib["msg"]
    structlog.reset_defaults()


def test_repeated_kafka_client_errors_are_logged_once(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="demo", level="INFO")
    for _ in range(1000):
        logging.getLogger("aiokafka.conn").error("Unable connect to node with id %s", 1)
    logging.getLogger("other").error("same text")
    logging.getLogger("other").error("same text")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    structlog.reset_defaults()
