"""Plausibility of one clean side: answers that say the params do not describe the file.

A wrong scale does not fail loudly by itself: answers outside it become missing (out of range) and the
rest is analysed, so a 0–10 item read as 1–5 would publish a mean of its 1–5 answers only. The same
goes for the client's own labels left out of the params, or averages delivered instead of answers.
`make check` (and every run, which checks first) stops on these with the fix.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from mirrorgap.errors import InputFileError
from mirrorgap.read.recode import CleanSide

# Above this share of an item's given answers out of range or unknown, the params are taken to be wrong.
MAX_UNUSABLE_SHARE = 0.10
COMMON_SCALES = ((1, 4), (1, 5), (1, 6), (1, 7), (0, 10), (1, 10), (0, 100))


def _number(text: str) -> float | None:
    try:
        value = float(str(text).replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def fitting_scale(values: list[float]) -> tuple[float, float] | None:
    """The narrowest common answer scale that holds every value seen, if any."""
    lo, hi = min(values), max(values)
    fits = [s for s in COMMON_SCALES if s[0] <= lo and hi <= s[1]]
    return min(fits, key=lambda s: s[1] - s[0]) if fits else None


def _scale_problem(clean: CleanSide, spec_column: str, item_id: str, ledger_column) -> InputFileError | None:
    scale = clean.scale_of(item_id)
    out = sum(ledger_column.out_of_range.values())
    given = ledger_column.valid + out
    if not given or out / given <= MAX_UNUSABLE_SHARE:
        return None
    seen = [v for v in (_number(k) for k in ledger_column.out_of_range) if v is not None]
    valid = clean.frame[item_id].dropna()
    seen += [float(valid.min()), float(valid.max())] if len(valid) else []
    fit = fitting_scale(seen) if seen else None
    fix = (f"set this item's scale to {{min: {fit[0]}, max: {fit[1]}}} for the {clean.side} side" if fit else
           f"check this item's scale for the {clean.side} side and its don't-know codes (dont_know:)")
    return InputFileError(
        clean.ledger.file, f"{out} of {given} answers ({out / given:.0%}) are outside the scale "
        f"{scale.min:g}–{scale.max:g} given in the params (values seen from {min(seen):g} to {max(seen):g})",
        fix=fix, column=spec_column, value=ledger_column.out_of_range.most_common(1)[0][0])


def _label_problem(clean: CleanSide, spec_column: str, ledger_column) -> InputFileError | None:
    unknown = sum(ledger_column.unknown_labels.values())
    given = ledger_column.valid + unknown + sum(ledger_column.out_of_range.values())
    if not given or unknown / given <= MAX_UNUSABLE_SHARE:
        return None
    labels = ", ".join(repr(k) for k, _ in ledger_column.unknown_labels.most_common(5))
    return InputFileError(
        clean.ledger.file, f"{unknown} of {given} answers ({unknown / given:.0%}) are labels the params do not "
        f"know: {labels}", fix=f"add them with their codes under {clean.side}.answer_labels", column=spec_column,
        value=ledger_column.unknown_labels.most_common(1)[0][0])


def _fraction_problem(clean: CleanSide, spec_column: str, item_id: str) -> InputFileError | None:
    scale = clean.scale_of(item_id)
    if not (float(scale.min).is_integer() and float(scale.max).is_integer()):
        return None
    values = clean.frame[item_id].dropna().to_numpy(dtype=float)
    fractional = values[values != np.round(values)]
    if not len(fractional):
        return None
    return InputFileError(
        clean.ledger.file, f"{len(fractional)} answers are fractions on the whole-number scale "
        f"{scale.min:g}–{scale.max:g}: these look like averages, not one person's answers",
        fix="deliver one row per respondent with the answers as given", column=spec_column,
        value=float(fractional[0]))


def plausibility_problems(clean: CleanSide) -> list[InputFileError]:
    """Every implausible scored column of the side (mirror items and side-only questions), each as an
    error with its fix."""
    columns = {c.name: c for c in clean.ledger.columns}
    problems = []
    for item in [*clean.items, *clean.questions]:
        led = columns.get(item.id)
        if led is None:
            continue
        for problem in (_scale_problem(clean, led.column, item.id, led), _label_problem(clean, led.column, led),
                        _fraction_problem(clean, led.column, item.id)):
            if problem is not None:
                problems.append(problem)
    rows = unknown_label_rows_problem(clean)
    return problems + ([rows] if rows is not None else [])


def unknown_label_rows_problem(clean: CleanSide) -> InputFileError | None:
    """Rows answered only with labels the params do not know: a whole respondent lost to a labelling
    the params miss (a label set of the client's own, another language)."""
    rows = [e for e in clean.ledger.excluded if e["reason"] == "no_usable_answer" and e.get("unknown_labels")
            and len(e["unknown_labels"]) == sum(e.get("answers", {}).values())]
    if not rows:
        return None
    labels = Counter(label for e in rows for label in e["unknown_labels"])
    shown = ", ".join(repr(k) for k, _ in labels.most_common(5))
    where = ", ".join(str(e["row"]) for e in rows[:5]) + (" …" if len(rows) > 5 else "")
    return InputFileError(
        clean.ledger.file, f"{len(rows)} row(s) answered every item with labels the params do not know ({shown}); "
        f"rows {where}", fix=f"add the labels with their codes under {clean.side}.answer_labels (or "
        "dont_know:), so these respondents are not lost", row=rows[0]["row"],
        value=labels.most_common(1)[0][0])


def units_problem(customer: CleanSide, employee: CleanSide) -> InputFileError | None:
    """Units named on both sides that share no name: the linkage and unit tables would be empty."""
    if "unit" not in customer.frame or "unit" not in employee.frame:
        return None
    c_units = set(customer.frame["unit"].dropna().astype(str))
    e_units = set(employee.frame["unit"].dropna().astype(str))
    if not c_units or not e_units or c_units & e_units:
        return None
    show = lambda units: ", ".join(repr(u) for u in sorted(units)[:4])  # noqa: E731
    return InputFileError(
        employee.ledger.file, f"no unit is named the same on both sides (customers: {show(c_units)}; "
        f"employees: {show(e_units)})", fix="write the unit names the same way in both files "
        "(or leave unit_column out on one side)", column="unit")
