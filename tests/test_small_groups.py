"""The small-group rule: one function decides, and no other module compares with min_n itself."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import mirrorgap
from mirrorgap.stats.small_groups import hidden_for, too_small


def test_a_group_of_exactly_min_n_is_shown_and_one_less_is_not():
    assert too_small(4, 5) is True and too_small(5, 5) is False and too_small(0, 5) is True
    assert too_small(np.array([0, 4, 5, 12]), 5).tolist() == [True, True, False, False]


def test_only_employee_results_are_protected():
    assert hidden_for("employee", 3, 5) is True and hidden_for("customer", 3, 5) is False
    assert hidden_for("customer", np.array([1, 9]), 5).tolist() == [False, False]
    assert hidden_for("employee", np.array([1, 9]), 5).tolist() == [True, False]


def test_no_module_applies_the_rule_on_its_own():
    """`n < min_n` written out anywhere else is a second home for the rule (and a place to forget it)."""
    pkg = Path(mirrorgap.__file__).parent
    rule = re.compile(r"(<|>=)\s*[\w.]*\bmin_n(_comments)?\b(?!\s*=)")
    allowed = {pkg / "stats/small_groups.py", pkg / "stats/suppression.py"}
    offenders = [f"{p.relative_to(pkg)}:{i}" for p in pkg.rglob("*.py") if p not in allowed
                 for i, line in enumerate(p.read_text().splitlines(), 1)
                 if rule.search(line.split("#")[0]) and '"""' not in line and not line.lstrip().startswith(("min_n", "`"))]
    assert offenders == []
