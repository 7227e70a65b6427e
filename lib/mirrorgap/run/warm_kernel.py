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


class WarmKernel:
    """The run's kernel: its manager (for papermill) and the warm-up's client."""

    def __init__(self, km, client):
        self.km, self.client = km, client
        self.ending = False

    def __iter__(self):  # `as (km, client)`
        return iter((self.km, self.client))

    def let_end(self) -> None:
        """Ask the kernel to end now, without waiting: it tears its interpreter down (about a second)
        while this process writes the run's manifest; leaving `warm_kernel` then waits for it."""
        from jupyter_core.utils import run_sync

        if self.km.has_kernel and not self.ending:
            run_sync(self.km.request_shutdown)()
            self.ending = True


@contextlib.contextmanager
def warm_kernel(kernel_name: str, *, cwd: Path, imports: str, stderr: BinaryIO):
    """Start kernel `kernel_name` in `cwd` (its stderr to `stderr`), have it run `imports`, and yield it
    (a `WarmKernel`; its manager for papermill); the kernel is shut down when the block ends (at once if
    the block failed)."""
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
    kernel, failed = WarmKernel(km, client), True
    try:
        yield kernel
        failed = False
    finally:
        client.stop_channels()
        if km.has_kernel and kernel.ending and not failed:
            run_sync(km.finish_shutdown)()  # waits for the exit asked for, kills after shutdown_wait_time
            run_sync(km.cleanup_resources)()
        elif km.has_kernel:
            run_sync(km.shutdown_kernel)(now=failed)
        shutil.rmtree(sockets, ignore_errors=True)
