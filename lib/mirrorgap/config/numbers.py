"""How each engagement language writes a number: one home for every table, caption, chart and
sentence (analysis captions such as the linkage caveat use it too, so it sits below the analysis).

The rules: a decimal comma in sv/da/nb and a point in en; a true minus sign (−) everywhere; thousands
grouped by a narrow no-break space in sv/nb, a point in da and a comma in en; a missing value is "–".
"""
from __future__ import annotations

import math

MINUS = "\u2212"
NARROW_NBSP = "\u202f"
_THOUSANDS = {"en": ",", "da": "."}  # any other language: a narrow no-break space


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def fmt_number(value: float, language: str, *, decimals: int = 0, signed: bool = False) -> str:
    """A number as the engagement's readers write it: decimal comma and a true minus in sv/da/nb;
    `signed` puts a + before a positive value; None, NaN and ±inf read "–"."""
    if _missing(value):
        return "–"
    text = f"{abs(value):.{decimals}f}"
    if language != "en":
        text = text.replace(".", ",")
    if round(value, decimals) < 0:
        return MINUS + text
    return ("+" + text) if signed and round(value, decimals) > 0 else text


def fmt_whole(value: float, *, signed: bool = False) -> str:
    """A number rounded to a whole one, with a true minus (+19, −7, 0): written alike in every language
    (no decimal mark, no thousands grouping), so charts that print only these need no language."""
    return fmt_number(value, "en", signed=signed)


def fmt_percent(value: float, language: str) -> str:
    """A whole percentage as the language writes it: "83%" in English, "83 %" in sv/da/nb."""
    return fmt_number(value, language) + ("%" if language == "en" else " %")


def fmt_count(n, language: str) -> str:
    """A whole number with its thousands grouped as the readers write them: 1,490 (en), 1.490 (da),
    1 490 (sv, nb, a narrow no-break space); None and NaN read "–"."""
    if _missing(n):
        return "–"
    return f"{int(round(float(n))):,}".replace(",", _THOUSANDS.get(language, NARROW_NBSP))


def fmt_level(level: float, language: str) -> str:
    """A confidence level as a percentage, as short as it goes: 0.95 -> "95", 0.975 -> "97,5" (sv)."""
    text = f"{100 * level:g}"
    return text if language == "en" else text.replace(".", ",")
