"""SPSS value labels: what a column's codes mean, decided by their labels.

A research agency may code an agree scale 1 = "Strongly agree" … 5 = "Strongly disagree", put
"Vet ej" on code 9, or code an NPS 1–11 with labels 'very unlikely', '1' … '9', 'very likely'. The
labels say what each code means; the codes themselves are only positions. Pure functions: the
readers keep the labels, the recoder applies what is decided here.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mirrorgap.errors import LabelConflict


@dataclass(frozen=True)
class CodeMap:
    """How numeric codes become scores: score = slope · code + intercept, plus codes the labels call
    don't-know. `described` says it in words for the quality ledger ('' when codes are the scores)."""

    slope: float = 1.0
    intercept: float = 0.0
    dont_know: frozenset[float] = frozenset()
    described: str = ""

    @property
    def identity(self) -> bool:
        return self.slope == 1.0 and self.intercept == 0.0

    def score(self, code: float) -> float:
        return code if self.identity else self.slope * code + self.intercept


IDENTITY = CodeMap()


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def code_map(labels: Mapping, meaning: Callable[[str], tuple[float, str]], *, lo: float, hi: float,
             user_missing: frozenset[float] = frozenset()) -> CodeMap:
    """The code → score map that a numeric column's value labels imply.

    labels: code -> label text. meaning: a label -> (score or nan, reason) as a text answer would be
    read ('dont_know' marks a don't-know label). lo, hi: the scale; labels whose score falls outside
    it are not answers and decide nothing. user_missing: codes declared missing, which decide nothing.
    Codes whose labels are known answers fix a straight line; every other code (unlabelled, or a label
    the lookup does not know) is read on that line. Raises LabelConflict when the known labels do not
    lie on one line, or when one known label alone leaves the direction open.
    """
    points: list[tuple[float, float, str]] = []
    dont_know: set[float] = set()
    for code, text in labels.items():
        if not isinstance(code, (int, float)) or isinstance(code, bool) or float(code) in user_missing:
            continue
        score, reason = meaning(str(text))
        if reason == "dont_know":
            dont_know.add(float(code))
        elif not reason and not math.isnan(score) and lo <= score <= hi:
            points.append((float(code), float(score), str(text)))
    points.sort()
    dk = frozenset(dont_know)
    dk_words = ", ".join(f"{_number_text(c)} {labels.get(c, labels.get(int(c)))!r}" for c in sorted(dk))
    dk_text = f"code(s) {dk_words} read as don't know" if dk else ""
    if not points or all(c == s for c, s, _ in points):
        return CodeMap(dont_know=dk, described=dk_text)
    shown = ", ".join(f"{_number_text(c)} = {t!r}" for c, _, t in points[:6]) + (" …" if len(points) > 6 else "")
    if len(points) == 1:
        raise LabelConflict(f"only one value label is a known answer ({shown}), so it cannot tell whether "
                            "the codes run up or down the scale")
    (c0, s0, _), (c1, s1, _) = points[0], points[-1]
    slope = (s1 - s0) / (c1 - c0) if c1 != c0 else 0.0
    intercept = s0 - slope * c0
    off = [(c, s, t) for c, s, t in points if abs(slope * c + intercept - s) > 1e-9]
    if slope == 0 or off:
        raise LabelConflict(f"the value labels do not form one scale ({shown})")
    rule = (f"code {'+' if intercept > 0 else '−'} {_number_text(abs(intercept))}" if slope == 1
            else f"{_number_text(intercept)} − code" if slope == -1
            else f"{_number_text(slope)} · code + {_number_text(intercept)}")
    ends = f"{_number_text(c0)} {points[0][2]!r} = {_number_text(s0)}, {_number_text(c1)} {points[-1][2]!r} = {_number_text(s1)}"
    text = f"SPSS value labels: codes read as {rule} ({ends})" + (f"; {dk_text}" if dk else "")
    return CodeMap(slope=slope, intercept=intercept, dont_know=dk, described=text)
