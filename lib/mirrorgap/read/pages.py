"""Big arrays on ordinary 4 KB pages while a survey is read and cleaned, where huge pages cost more
than they save.

numpy asks the kernel for transparent huge pages for every array of 4 MB or more (madvise). When the
kernel's THP `defrag` setting is `madvise` or `always` (Debian's and Ubuntu's default is `madvise`), the
first touch of each 2 MB page stalls while the kernel compacts memory to find one: reading and
cleaning the 1,000,000-row bench survey spent about 0.8 s more system time, and 0.5–1.5 s more wall
time, than with ordinary pages (bench/contenders.py with NUMPY_MADVISE_HUGEPAGE=0 and =1,
2026-12-07). The setting is numpy's own (the one NUMPY_MADVISE_HUGEPAGE sets at start); it is turned
off only while a decorated function runs, and put back after.
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

try:
    from numpy._core.multiarray import _set_madvise_hugepage
except ImportError:  # numpy < 2 keeps it under numpy.core; a numpy without it has nothing to turn off
    try:
        from numpy.core.multiarray import _set_madvise_hugepage
    except ImportError:
        _set_madvise_hugepage = None

DEFRAG = Path("/sys/kernel/mm/transparent_hugepage/defrag")
_lock = threading.Lock()
_state = {"depth": 0, "before": True}
F = TypeVar("F", bound=Callable)


def compaction_on_fault() -> bool:
    """Whether the kernel compacts memory when a process that asked for huge pages first touches one."""
    try:
        chosen = DEFRAG.read_text()
    except OSError:  # not Linux, or no transparent huge pages
        return False
    return "[always]" in chosen or "[madvise]" in chosen


def small_pages(func: F) -> F:
    """Run `func` with numpy's huge-page requests off when they stall on this kernel (see the module)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _set_madvise_hugepage is None or not compaction_on_fault():
            return func(*args, **kwargs)
        with _lock:  # nested and concurrent calls: the first in turns it off, the last out puts it back
            if _state["depth"] == 0:
                _state["before"] = _set_madvise_hugepage(False)
            _state["depth"] += 1
        try:
            return func(*args, **kwargs)
        finally:
            with _lock:
                _state["depth"] -= 1
                if _state["depth"] == 0:
                    _set_madvise_hugepage(_state["before"])

    return wrapper
