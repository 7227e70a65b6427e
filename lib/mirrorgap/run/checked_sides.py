"""Both sides as the check read, cleaned and passed them, handed to the run's kernel: a run reads and
cleans each survey file once (the 1M-answer engagement spent 8 s doing it twice).

Where it lives and for how long: `<run folder>/.checked-sides/` (`key.json` and `sides.pickle`),
written by `run_engagement` after the check and removed as soon as the notebook has ended, also when it
failed — so it is in no finished run folder, no manifest and no bundle (`make publish` copies
`aggregates/` only). Personal data: the cleaned rows of the two raw files — respondent ids, units,
segments, waves, answers and comments already scrubbed — i.e. a subset of the raw delivery, on the same
disk, for the length of the run.

The key is the sha256 of both survey files and of the validated params (and mirrorgap's version): the
kernel computes it again from what it sees, and any difference (a file or the params changed after the
check) leaves the copy unused — the kernel then reads the files and runs the check's stops itself.

Why pickle and not Parquet: Parquet turns the scrubbed comments' object column into pandas' string dtype
and does not keep the ledger, scales and items; pickle gives the kernel the very objects the check
passed, so the run's outputs are the same bytes as without the copy (tests/test_checked_sides.py). It is
only ever read by the run that wrote it, from its own fresh run folder, after the key matched.
"""
from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from mirrorgap import __version__
from mirrorgap.analyse.pipeline import load_side, resolve_wave
from mirrorgap.config.params import Engagement
from mirrorgap.config.paths import resolve_input
from mirrorgap.errors import CheckFailed
from mirrorgap.read.plausibility import plausibility_problems, units_problem
from mirrorgap.read.recode import CleanSide
from mirrorgap.run.hashing import sha256_of

SIDES = ("customer", "employee")
CACHE_DIR = ".checked-sides"  # in the run folder, removed when the notebook ends
_KEY, _SIDES = "key.json", "sides.pickle"


def checked_sides(engagement: Engagement) -> dict[str, CleanSide]:
    """Read and clean both sides and stop (CheckFailed, or the first input error) on what the params do not
    describe: implausible scales, unknown labels, averages instead of answers, units that match on
    neither side, no wave the sides share."""
    sides = {side: load_side(engagement, side) for side in SIDES}
    problems = [p for clean in sides.values() for p in plausibility_problems(clean)]
    problems += [p for p in [units_problem(sides["customer"], sides["employee"])] if p is not None]
    if problems:
        raise CheckFailed(problems)
    resolve_wave(engagement, sides["customer"], sides["employee"])  # the sides must share the wave analysed
    return sides


def sides_key(engagement: Engagement, file_hashes: dict[str, str] | None = None) -> str:
    """One hash over both survey files (their sha256, computed here when not given), the validated
    params and mirrorgap's version: what the cleaned sides depend on."""
    if file_hashes is None:
        file_hashes = {side: sha256_of(resolve_input(engagement.side(side).input.path)) for side in SIDES}
    text = json.dumps({"files": {side: file_hashes[side] for side in SIDES},
                       "params": engagement.model_dump(mode="json"), "mirrorgap": __version__}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def write_checked_sides(folder: Path, sides: dict[str, CleanSide], key: str) -> Path:
    """Keep the checked sides in `folder` (created; the run's CACHE_DIR) under `key`; returns the folder."""
    folder = Path(folder)
    folder.mkdir(mode=0o700)
    with open(folder / _SIDES, "wb") as fh:
        pickle.dump(sides, fh, protocol=5)
    (folder / _KEY).write_text(json.dumps({"key": key}), encoding="utf-8")  # last: a half-written copy has no key
    return folder


def cached_sides(folder: Path | str, engagement: Engagement) -> dict[str, CleanSide] | None:
    """The sides kept in `folder` if they were checked from the files and params seen now, else None."""
    folder = Path(folder)
    try:
        stored = json.loads((folder / _KEY).read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError):
        return None
    if stored != sides_key(engagement):
        return None
    with open(folder / _SIDES, "rb") as fh:
        return pickle.load(fh)


def load_checked_sides(engagement: Engagement, cache: Path | str = "") -> dict[str, CleanSide]:
    """Both sides, checked: the run's copy in `cache` when it is still valid, else read, cleaned and
    checked here (an interactive session, or files changed since the run's check)."""
    sides = cached_sides(cache, engagement) if cache else None
    return sides if sides is not None else checked_sides(engagement)
