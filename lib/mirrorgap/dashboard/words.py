"""The dashboard's and the explorer's words in the engagement language: their texts, touchpoint and
theme names, and the labels of the answer values."""
from __future__ import annotations

from mirrorgap.config.texts import section

__all__ = ["dashboard_texts", "pretty", "theme_name", "touchpoint_name", "value_labels"]


def dashboard_texts(language: str) -> dict[str, str]:
    """The dashboard's own texts (heading `dashboard:`) in one language."""
    return section(language, "dashboard")


def pretty(name: str) -> str:
    """A column or id as a heading: 'anstallningstid' -> 'Anstallningstid', 'extra_mile' -> 'Extra mile'."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def touchpoint_name(touchpoint: str, language: str) -> str:
    """A touchpoint's name from the language files, else its id as a heading."""
    return section(language, "touchpoint").get(touchpoint) or pretty(touchpoint)


def theme_name(theme: str, language: str) -> str:
    """A theme's name from the language files, else its id as a heading."""
    return section(language, "dashboard").get(f"themes.{theme}") or pretty(theme)


def value_labels(item, side: str, language: str) -> dict[float, str]:
    """Answer value -> label for one item on one side. On a 1–5 scale the agree labels; a reversed
    item's scores were turned (higher = better), so a turned value carries the label of the answer
    actually given. Other scales: the numbers themselves."""
    scale = getattr(item, f"{side}_scale")
    lo, hi = int(scale.min), int(scale.max)
    if (lo, hi) == (1, 5):
        agree = section(language, "dashboard")
        return {float(v): agree[f"agree.a{(lo + hi - v) if item.reversed else v}"] for v in range(lo, hi + 1)}
    return {float(v): str(v) for v in range(lo, hi + 1)} if hi - lo <= 10 else {}
