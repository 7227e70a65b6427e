"""Deliverables a run could not make, each with a `<deliverable>.missing.txt` saying why. Its own module
so that the run's parent process can read them without importing the deliverables' libraries."""
from __future__ import annotations

from pathlib import Path

MISSING_SUFFIX = ".missing.txt"  # <deliverable>.missing.txt: why that deliverable could not be made


def missing_deliverables(run_dir: Path) -> dict[str, str]:
    """Deliverables a run could not make, with the reason (e.g. report.pdf without Chromium)."""
    return {p.name[: -len(MISSING_SUFFIX)]: p.read_text(encoding="utf-8").strip()
            for p in sorted(Path(run_dir).glob(f"*{MISSING_SUFFIX}"))}
