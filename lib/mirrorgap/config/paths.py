"""The one module that knows where things are on disk."""
from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[3]
PARAMS_DIR = PROJ_ROOT / "params"
DATA_DIR = PROJ_ROOT / "data"
TEMPLATES_DIR = PROJ_ROOT / "templates"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
OUTPUT_DIR = PROJ_ROOT / "output"


def params_path(client: str) -> Path:
    return PARAMS_DIR / f"{client}.yaml"


def resolve_input(path: str | Path) -> Path:
    """An input path from params: absolute as given, else relative to the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJ_ROOT / p
