"""The package layout: subpackages by step of the flow, and the layers contract in pyproject.toml."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import mirrorgap

PKG = Path(mirrorgap.__file__).parent
PROJECT = PKG.parents[1]


def _contracts() -> list[dict]:
    return tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_the_layer_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports)], cwd=PROJECT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_every_subpackage_sits_in_a_layer():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.split("|")}
    subpackages = {f"mirrorgap.{p.name}" for p in PKG.iterdir() if (p / "__init__.py").exists()}
    modules = {f"mirrorgap.{p.stem}" for p in PKG.glob("*.py") if p.stem != "__init__"}
    assert subpackages | modules == named


def test_only_the_error_hierarchy_lives_at_the_top():
    assert sorted(p.name for p in PKG.glob("*.py")) == ["__init__.py", "errors.py"]


def test_the_dashboard_contract_names_the_reading_modules():
    forbidden = next(c for c in _contracts() if c.get("source_modules") == ["mirrorgap.dashboard"])
    assert "mirrorgap.read" in forbidden["forbidden_modules"]
