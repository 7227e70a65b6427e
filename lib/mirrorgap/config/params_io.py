"""Write values back into a client's params YAML, keeping its comments, quotes and layout, so the next
papermill run uses what an analyst chose in the explorer.

Only the changed values are touched; the whole document is validated with the engagement schema
before anything is written, and the file is replaced atomically (a half-written params file would
stop every run).
"""
from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from mirrorgap.config.params import Engagement, parse_engagement, plain, read_params_yaml
from mirrorgap.errors import ParamsError

__all__ = ["set_values", "round_trip_yaml"]

_MISSING = object()


def round_trip_yaml() -> YAML:
    """A ruamel round-trip reader/writer that gives back what it read: quotes kept, no line
    re-wrapping, block lists indented as in the params files (`items:` / `  - id: …`)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(path: Path):
    return read_params_yaml(path, yaml=round_trip_yaml())


def _scalar(value):
    """Whole-number floats are written as whole numbers (7, not 7.0), as people write them."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dump(document) -> str:
    buf = io.StringIO()
    round_trip_yaml().dump(document, buf)
    return buf.getvalue()


def set_values(path: str | Path, updates: dict[tuple[str, ...], object]) -> tuple[dict, Engagement]:
    """Set values at key paths in a params file, e.g. {("analysis", "min_n"): 7}; mappings on the way
    are created when missing. Validates the result (`parse_engagement`) before writing; raises
    ParamsError (listing every problem, file untouched) when it would not be valid.

    Returns ({key path: (old value or None, new value)} for what changed, the validated Engagement).
    Nothing is written when nothing changes.
    """
    path = Path(path)
    document = _load(path)
    if not isinstance(document, dict):
        raise ParamsError(path, ["the file must hold a mapping of keys (client:, language:, customer:, …)"])
    changes = {}
    for keys, value in updates.items():
        node = document
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = CommentedMap()
            node = node[key]
        value = _scalar(value)
        old = node.get(keys[-1], _MISSING)
        if old is _MISSING or old != value or isinstance(old, bool) != isinstance(value, bool):
            node[keys[-1]] = value
            changes[tuple(keys)] = (None if old is _MISSING else plain(old), value)
    engagement = parse_engagement(plain(document), source=str(path))
    if changes:
        text = dump(document)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            os.chmod(tmp, path.stat().st_mode & 0o777)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return changes, engagement
