"""The run's checked sides: the kernel gets the very sides the check read and passed, only while the
files and params are those the check saw, and the copy is gone when the run ends (also a failed one)."""
from __future__ import annotations

import shutil
import stat

import pandas as pd
import pytest

from mirrorgap.analyse.pipeline import load_side
from mirrorgap.config.params import load_engagement
from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.errors import CheckFailed, RunFailed
from mirrorgap.run.checked_sides import (
    CACHE_DIR,
    cached_sides,
    checked_sides,
    load_checked_sides,
    sides_key,
    write_checked_sides,
)
from test_bad_inputs import DEMO_CUSTOMERS, DEMO_EMPLOYEES, write_params


@pytest.fixture
def demo_copy(tmp_path):
    """The demo engagement on copies of its survey files (so a test may change them)."""
    customers, employees = tmp_path / "customers.csv", tmp_path / "employees.xlsx"
    shutil.copyfile(DEMO_CUSTOMERS, customers)
    shutil.copyfile(DEMO_EMPLOYEES, employees)
    params = write_params(tmp_path, customer_file=customers, employee_file=employees)
    return load_engagement(params), customers


def _stored(tmp_path, engagement):
    sides = checked_sides(engagement)
    return sides, write_checked_sides(tmp_path / CACHE_DIR, sides, sides_key(engagement))


def test_the_kept_sides_are_the_sides_read_again(tmp_path, demo_copy):
    engagement, _ = demo_copy
    _, folder = _stored(tmp_path, engagement)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # personal data: the run's user only
    kept = cached_sides(folder, engagement)
    for side in ("customer", "employee"):
        fresh = load_side(engagement, side)  # read and cleaned independently of the copy
        pd.testing.assert_frame_equal(kept[side].frame, fresh.frame, check_exact=True)
        assert kept[side].ledger == fresh.ledger
        assert kept[side].scales == fresh.scales and kept[side].items == fresh.items
        assert kept[side].questions == fresh.questions and kept[side].wave_order == fresh.wave_order


def test_a_changed_file_leaves_the_copy_unused(tmp_path, demo_copy):
    engagement, customers = demo_copy
    sides, folder = _stored(tmp_path, engagement)
    text = customers.read_bytes().decode("cp1252").rstrip("\r\n").split("\r\n")
    customers.write_bytes(("\r\n".join(text[:-10]) + "\r\n").encode("cp1252"))  # ten customers fewer
    assert cached_sides(folder, engagement) is None
    again = load_checked_sides(engagement, folder)  # read again, from the file as it is now
    assert again["customer"].ledger.rows_in == sides["customer"].ledger.rows_in - 10


def test_changed_params_leave_the_copy_unused(tmp_path, demo_copy):
    engagement, _ = demo_copy
    _, folder = _stored(tmp_path, engagement)
    other = engagement.model_copy(update={"analysis": engagement.analysis.model_copy(update={"min_n": 7})})
    assert cached_sides(folder, other) is None
    assert cached_sides(folder, engagement) is not None


def test_a_copy_without_its_key_is_not_used(tmp_path, demo_copy):
    engagement, _ = demo_copy
    _, folder = _stored(tmp_path, engagement)
    (folder / "key.json").unlink()  # as if the run stopped while writing it
    assert cached_sides(folder, engagement) is None


def test_without_a_copy_the_kernel_still_stops_where_the_check_stops(tmp_path):
    """The notebook's own path (no copy) keeps the gate: a scale the answers do not fit stops it."""
    params = write_params(tmp_path, customer_file=DEMO_CUSTOMERS,
                          edit=lambda d: d["items"][0].__setitem__("employee_scale", {"min": 1, "max": 4}))
    with pytest.raises(CheckFailed, match="outside the scale 1–4"):
        load_checked_sides(load_engagement(params), "")


def test_the_kernel_is_handed_the_copy_and_it_is_removed_when_the_notebook_fails(tmp_path, monkeypatch):
    """No kernel here: papermill is replaced by a stand-in that looks at what it was given, then fails."""
    import papermill as pm

    from mirrorgap.run.engagement import run_engagement

    seen = {}

    def failing_notebook(_input, _output, *, parameters, km, **_kwargs):
        folder = parameters["sides_cache"]
        seen["cache"], seen["km"], seen["alive"] = folder, km, km.has_kernel  # the kernel warmed up while checking
        seen["sides"] = cached_sides(folder, load_engagement(PARAMS_DIR / "demo.yaml"))
        raise pm.PapermillExecutionError(0, 1, "boom", "RuntimeError", "boom", [])

    monkeypatch.setattr(pm, "execute_notebook", failing_notebook)
    with pytest.raises(RunFailed, match="RuntimeError: boom"):
        run_engagement("demo", output_root=tmp_path / "out")
    assert seen["sides"] is not None and set(seen["sides"]) == {"customer", "employee"}
    assert seen["cache"].endswith(CACHE_DIR)
    assert not list((tmp_path / "out").rglob(CACHE_DIR)) and not list((tmp_path / "out").rglob("*.pickle"))
    assert seen["alive"] and not seen["km"].has_kernel  # and it is shut down when the run fails
