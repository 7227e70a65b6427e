"""Display texts in the engagement language, from `templates/lang/<language>.yaml`.

A text that depends on the gap metric (`analysis.metric`) has a variant named `<key>_if_<metric>`
(e.g. `score_axis_if_top_box`); `section` and `tree` given that metric put the variant in the key's
place, so no caller picks wording by hand.
"""
from __future__ import annotations

from functools import lru_cache

from mirrorgap.config.paths import TEMPLATES_DIR
from mirrorgap.config.text_yaml import load_texts


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@lru_cache(maxsize=8)
def texts(language: str) -> dict[str, str]:
    """All texts of one language as a flat mapping ("chart.mirror_title" -> "…").

    Read from `templates/lang/<language>.yaml` plus one file per feature, `<language>.<feature>.yaml`;
    a key defined twice is an error, so features cannot silently overwrite each other's words.
    """
    folder = TEMPLATES_DIR / "lang"
    paths = [folder / f"{language}.yaml", *sorted(folder.glob(f"{language}.*.yaml"))]
    merged: dict[str, str] = {}
    for path in paths:
        flat = _flatten(load_texts(path.read_text(encoding="utf-8")) or {})
        clash = sorted(set(flat) & set(merged))
        if clash:
            raise ValueError(f"{path.name} defines texts already defined elsewhere: {clash}")
        merged.update(flat)
    return merged


@lru_cache(maxsize=16)
def _for_metric(language: str, metric: str) -> dict[str, str]:
    """`texts(language)` with each `<key>_if_<metric>` variant in its key's place."""
    merged = dict(texts(language))
    suffix = f"_if_{metric}"
    merged.update({k[: -len(suffix)]: v for k, v in texts(language).items() if k.endswith(suffix)})
    return merged


def section(language: str, name: str, *, metric: str = "mean") -> dict[str, str]:
    """The texts under one heading, keys without the heading ("chart" -> {"mirror_title": …}), worded
    for the gap `metric` ("mean" or "top_box"). A fresh dict: the caller may change it."""
    return dict(_grouped(language, metric).get(name, {}))


def tree(language: str, *, metric: str = "mean") -> dict[str, dict[str, str]]:
    """All texts of one language grouped by heading, for templates (`t.report.title`), worded for the
    gap `metric`. Fresh dicts: the caller may change them."""
    return {head: dict(texts) for head, texts in _grouped(language, metric).items()}


@lru_cache(maxsize=16)
def _grouped(language: str, metric: str) -> dict[str, dict[str, str]]:
    """`_for_metric` grouped by heading, once: a run asks for a section a few hundred times."""
    grouped: dict[str, dict[str, str]] = {}
    for key, value in _for_metric(language, metric).items():
        head, _, rest = key.partition(".")
        grouped.setdefault(head, {})[rest] = value
    return grouped
