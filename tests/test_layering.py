"""Architecture rules that a linter cannot see on its own.

- domain/ packages are pure: no FastAPI, aiokafka, asyncpg, redis, httpx or
  pydantic-settings, and no I/O of the services' adapters.
- services never import each other; only contracts and the runtime cross.
- nothing outside settings reads os.environ.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "src").is_dir())
IMPURE = (
    "fastapi",
    "starlette",
    "aiokafka",
    "asyncpg",
    "redis",
    "httpx",
    "pydantic_settings",
    "aiosmtplib",
    "uvicorn",
)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def sources(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("service", SERVICES)
def test_domain_is_pure(service: str) -> None:
    domain = ROOT / "services" / service / "src" / f"jiaodui_{service}" / "domain"
    for path in sources(domain):
        bad = {m for m in imports_of(path) if m.split(".")[0] in IMPURE}
        bad |= {m for m in imports_of(path) if ".adapters" in m or ".entrypoints" in m}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_services_do_not_import_each_other(service: str) -> None:
    others = {f"jiaodui_{s}" for s in SERVICES if s != service}
    for path in sources(ROOT / "services" / service / "src"):
        bad = {m for m in imports_of(path) if m.split(".")[0] in others}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_settings_read_the_environment() -> None:
    allowed = {"settings.py", "stack.py"}
    for folder in [ROOT / "runtime" / "src", *(ROOT / "services").glob("*/src")]:
        for path in sources(folder):
            if path.name in allowed:
                continue
            assert "os.environ" not in path.read_text(), (
                f"{path.relative_to(ROOT)} reads os.environ"
            )


def test_contracts_depend_on_pydantic_alone() -> None:
    for path in sources(ROOT / "contracts" / "src"):
        third_party = {m.split(".")[0] for m in imports_of(path)} - {"jiaodui_contracts"}
        third_party -= set(sys.stdlib_module_names) | {"__future__"}
        # pydantic_core is pydantic's own validator, installed and pinned by it
        assert third_party <= {"pydantic", "pydantic_core"}, f"{path.name}: {third_party}"
