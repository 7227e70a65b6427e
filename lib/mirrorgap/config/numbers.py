"""How each engagement language writes a number: one home for every table, caption, chart and
sentence (analysis captions such as the linkage caveat use it too, so it sits below the analysis)."""
from __future__ import annotations

import math

MINUS = "\u2212"


def fmt_number(value: float, language: str, *, decimals: int = 0, signed: bool = False) -> str:
    """A number as the engagement's readers write it: decimal comma and a true minus in sv/da/nb."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{abs(value):.{decimals}f}"
    if language != "en":
        text = text.replace(".", ",")
    if round(value, decimals) < 0:
        return MINUS + text
    return ("+" + text) if signed and round(value, decimals) > 0 else text
