"""argon2's threads: what the manifests set, else one per CPU the process can use (its cgroup
quota, not the node's count), at most two (each running hash holds 19 MiB)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jiaodui_identity.adapters import passwords
from jiaodui_identity.adapters.passwords import hash_workers, usable_cpus
from jiaodui_identity.settings import IdentitySettings


def cgroup(tmp_path: Path, cpu_max: str | None) -> Path:
    if cpu_max is not None:
        (tmp_path / "cpu.max").write_text(cpu_max + "\n")
    return tmp_path


def test_a_cgroup_quota_bounds_the_cpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords.os, "sched_getaffinity", lambda _: set(range(64)))
    assert usable_cpus(cgroup(tmp_path, "100000 100000")) == 1  # a pod's limit of 1 CPU
    assert usable_cpus(cgroup(tmp_path, "150000 100000")) == 2  # 1.5 CPUs: the second is used
    assert usable_cpus(cgroup(tmp_path, "20000 100000")) == 1
    assert usable_cpus(cgroup(tmp_path, "max 100000")) == 64  # no quota: the affinity
    assert usable_cpus(tmp_path / "absent") == 64  # cgroup v1 or none


def test_the_affinity_bounds_the_cpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords.os, "sched_getaffinity", lambda _: {3})
    assert usable_cpus(cgroup(tmp_path, "400000 100000")) == 1


def test_a_configured_number_wins_and_the_default_is_at_most_two(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passwords, "usable_cpus", lambda: 64)
    assert hash_workers(0) == 2
    assert hash_workers(5) == 5
    monkeypatch.setattr(passwords, "usable_cpus", lambda: 1)
    assert hash_workers(0) == 1


def test_the_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIAODUI_IDENTITY_HASH_WORKERS", "3")
    assert IdentitySettings().hash_workers == 3
    monkeypatch.delenv("JIAODUI_IDENTITY_HASH_WORKERS")
    assert IdentitySettings().hash_workers == 0
