"""A kernel started before the run's check, importing the notebook's libraries while the check reads
the survey files: on two cores the kernel's start (the papermill floor, about 10 s under load) and the
check overlap instead of following each other. papermill then runs the notebook on it (`km=`); the
import runs silently, so the executed notebook's cells and counts are as without it."""
from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO


def notebook_imports(notebook: Path) -> str:
    """The import lines (and `matplotlib.use`) of the code cell after the notebook's parameters cell."""
    cells = [c for c in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    at = next(k for k, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    return "\n".join(line for line in "".join(cells[at + 1]["source"]).splitlines()
                     if line.startswith(("import ", "from ", "matplotlib.use")))


@contextlib.contextmanager
def warm_kernel(kernel_name: str, *, cwd: Path, imports: str, stderr: BinaryIO):
    """Start kernel `kernel_name` in `cwd` (its stderr to `stderr`), have it run `imports`, and yield its
    manager for papermill and the warm-up's client; the kernel is stopped when the block ends.

    Stopped at once (SIGKILL to its process group), not asked to tear its interpreter down: when the block
    ends the notebook has ended (or failed) and its files are written and closed, and that teardown, with
    the notebook's libraries loaded, took 0.7–0.9 s of the run here with nothing to save."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    # the survey's rows pass between this process and the kernel: over Unix sockets in a private (0700)
    # folder rather than TCP on localhost, which any local process may connect to and which travels unencrypted
    sockets = Path(tempfile.mkdtemp(prefix="mirrorgap-kernel-"))
    km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(sockets / "kernel"))
    run_sync(km.start_kernel)(cwd=str(cwd), stderr=stderr)
    client = km.blocking_client()
    client.start_channels()
    client.execute(imports, silent=True, store_history=False)  # queued before papermill's first request
    try:
        yield km, client
    finally:
        client.stop_channels()
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
