"""Dependency scan: the pinned dependency set (requirements.lock beside this file) through
pip-audit. Where no advisory source answers (no network, or a registry mirror without the
vulnerability API) the scan is skipped with the reason, never reported as clean."""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = Path(__file__).with_name("requirements.lock")


def _pins() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower()] = version
    return pins


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def closure() -> dict[str, str]:
    """The installed runtime closure of pyproject's dependencies: name -> version."""
    import importlib.metadata as md

    from packaging.requirements import Requirement

    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    stack, seen = [Requirement(r).name for r in cfg["project"]["dependencies"]], {}
    while stack:
        name = stack.pop()
        if _norm(name) in seen:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen[_norm(name)] = dist.version
        for r in dist.requires or []:
            req = Requirement(r)
            if not req.marker or req.marker.evaluate({"extra": ""}):
                stack.append(req.name)
    return dict(sorted(seen.items()))


def test_every_dependency_is_pinned():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    from packaging.requirements import Requirement

    pins = _pins()
    missing = [r for r in cfg["project"]["dependencies"] if _norm(Requirement(r).name) not in pins]
    assert not missing, f"dependencies missing from {LOCK.name}: {missing}"


def test_pinned_set_has_no_known_vulnerabilities():
    try:
        import pip_audit  # noqa: F401
    except ImportError:
        pytest.skip("pip-audit is not installed (pip install pip-audit): dependency scan did not run")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pip_audit", "-r", str(LOCK), "--no-deps", "--disable-pip", "-f", "json",
             "--progress-spinner", "off", "--timeout", "20"],
            capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.skip("pip-audit timed out: no advisory source reachable, dependency scan did not run")
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        pytest.skip(f"pip-audit could not reach an advisory source: {proc.stderr.strip().splitlines()[-1:]}")
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    if not audited:
        reason = deps[0].get("skip_reason", "") if deps else proc.stderr[-200:]
        pytest.skip(f"no advisory source answered for any of {len(deps)} pinned dependencies ({reason}); "
                    "dependency scan did not run")
    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]] for d in audited if d.get("vulns")}
    assert not vulnerable, f"known vulnerabilities in pinned dependencies: {vulnerable}"
    print(f"pip-audit: {len(audited)} of {len(deps)} pinned dependencies audited, none vulnerable")


if __name__ == "__main__":  # regenerate the lock file from the installed environment
    head = [line for line in LOCK.read_text().splitlines() if line.startswith("#")]
    LOCK.write_text("\n".join(head + [f"{k}=={v}" for k, v in closure().items()]) + "\n")
