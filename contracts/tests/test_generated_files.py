"""The committed schemas, AsyncAPI document and catalogue match the models."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from jiaodui_contracts import EVENT_TYPES, TOPICS, dlq_topic
from jiaodui_contracts.generate import CONTRACTS_DIR, VERSION, main, rendered, stale_files

ASYNCAPI = CONTRACTS_DIR / "asyncapi.json"


def test_committed_files_match_the_models() -> None:
    stale = [str(p.relative_to(CONTRACTS_DIR)) for p in stale_files()]
    assert not stale, f"run `make contracts` and commit: {stale}"


def test_check_mode_reports_drift_and_orphans(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "README.md").write_text((CONTRACTS_DIR / "README.md").read_text("utf-8"))
    files = rendered(tmp_path)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    assert stale_files(tmp_path) == []
    schema = tmp_path / "schemas" / "jiaodui.photos.PhotoConfirmed.v1.json"
    schema.write_text(schema.read_text().replace('"photo_id"', '"photo"'))
    orphan = tmp_path / "schemas" / "jiaodui.photos.Gone.v1.json"
    orphan.write_text("{}\n")
    assert stale_files(tmp_path) == sorted([schema, orphan])


def test_the_command_line_check_passes_on_the_committed_files() -> None:
    assert main(["--check"]) == 0


def test_version_is_the_distributions() -> None:
    project = tomllib.loads((CONTRACTS_DIR / "pyproject.toml").read_text())["project"]
    assert project["version"] == VERSION
    # 2.12: the validation-time ``extra`` that Contract.from_data's lenient reading uses
    assert project["dependencies"] == ["pydantic>=2.12,<3"], "contracts depend on pydantic alone"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _follow(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_asyncapi_is_complete_and_every_reference_resolves() -> None:
    doc = json.loads(ASYNCAPI.read_text())
    assert doc["asyncapi"] == "3.0.0" and doc["info"]["version"] == VERSION
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == {*TOPICS, *(dlq_topic(t) for t in TOPICS)}
    titles = {m["title"] for m in doc["components"]["messages"].values()}
    assert {m.__name__ for m in EVENT_TYPES.values()} <= titles
    for ref in _refs(doc):
        if ref.startswith("#/"):
            assert _follow(doc, ref) is not None, ref
        else:
            assert (CONTRACTS_DIR / ref).exists(), ref
    actions = {(op["channel"]["$ref"], op["action"]) for op in doc["operations"].values()}
    for channel in doc["channels"]:
        assert {("#/channels/" + channel, "send"), ("#/channels/" + channel, "receive")} <= actions
    assert doc["channels"]["notify_requests"]["x-private"] is True
    assert doc["channels"]["photos_events"]["x-private"] is False
