"""Work on the machine's other core: a function run in a forked child process while this one goes on.

A run's deliverables and charts are independent of each other and pure Python, so threads would take
turns on one core. A forked child starts in milliseconds with everything already in memory (the
results, the imported libraries): nothing is pickled on the way in, only the return value on the way
back. Where fork is not the way to start a process (not Linux) or only one core is ours, the function
simply runs in this process when its result is asked for. Callers split their work only when
`second_core()` says a core is idle.

An error in the child is raised again here, as itself (mirrorgap's errors pickle; any other error as a
RuntimeError with its type and message), its cause carrying the child's traceback; a child that dies
without answering (killed, out of memory) is a RuntimeError naming its exit code.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from mirrorgap.errors import WorkerTraceback

__all__ = ["ONE_PROCESS", "CpuReading", "Forked", "Turns", "WorkerTraceback", "busy_cores_of_others", "can_fork",
           "older_objects_frozen", "others_busy_cores", "read_cpu", "second_core"]

ONE_PROCESS = "MIRRORGAP_ONE_PROCESS"  # set (to anything): never split work, e.g. on a shared server


def can_fork() -> bool:
    """Whether `Forked` forks: on Linux, with at least two cores this process may use."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) >= 2


def second_core() -> bool:
    """Whether splitting work over two processes pays now: `can_fork`, and the other processes of the
    machine used at most half a core lately (`others_busy_cores`). On a busy machine a
    second process gains no CPU and only adds its start (its own font caches, copied memory pages):
    measured on this 2-core machine at load 3.5–4.7, the demo took more CPU with it than without.

    Not the load average: on the shared machines here it stays at 1.1–1.4 while both cores sit idle
    (it counts tasks waiting on the host too), and the minute it averages holds this run's own past."""
    if os.environ.get(ONE_PROCESS) or not can_fork():
        return False
    busy = others_busy_cores()
    return busy is not None and busy <= len(os.sched_getaffinity(0)) - 1.5


@dataclass(frozen=True)
class CpuReading:
    """One look at the CPU: the machine's busy and all jiffies (/proc/stat), this process's and its
    reaped children's CPU seconds, and the wall clock."""

    wall: float
    machine_busy: int
    machine_all: int
    ours: float


def read_cpu() -> CpuReading | None:
    """The CPU now; None where /proc/stat is not there (not Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    import resource  # Unix only, like /proc/stat

    # user nice system idle iowait irq softirq steal: idle and iowait are free, steal (the host's) is not
    self_use, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = self_use.ru_utime + self_use.ru_stime + children.ru_utime + children.ru_stime
    return CpuReading(time.monotonic(), sum(ticks) - ticks[3] - ticks[4], sum(ticks), ours)


def busy_cores_of_others(before: CpuReading, after: CpuReading) -> float:
    """Cores the machine's other processes kept busy between two readings, on average: the machine's
    busy share of all its cores, less what this process and its reaped children used."""
    wall = after.wall - before.wall
    all_ticks = after.machine_all - before.machine_all
    if wall <= 0 or all_ticks <= 0:
        return 0.0
    cores = os.cpu_count() or 1
    machine = cores * (after.machine_busy - before.machine_busy) / all_ticks
    return max(0.0, machine - (after.ours - before.ours) / wall)


LOOK_S = 0.06  # /proc/stat counts in 10 ms ticks: 12 over two cores, enough to tell a busy core from an idle one
RECENT_S = 0.5  # a reading older than this is not the machine of now: look again
_LAST: list[CpuReading | None] = [None]


def others_busy_cores() -> float | None:
    """`busy_cores_of_others` lately: since the last look if it was at most RECENT_S ago, else over LOOK_S
    from now (this process waiting meanwhile). Not since a run's start: the run's parent process checks
    the survey files while the kernel starts, and is idle by the time the kernel asks. None where the
    CPU cannot be read."""
    before = _LAST[0]
    if before is None or time.monotonic() - before.wall > RECENT_S:
        before = read_cpu()
        if before is None:
            return None
    waited = time.monotonic() - before.wall
    if waited < LOOK_S:
        time.sleep(LOOK_S - waited)
    now = _LAST[0] = read_cpu()
    return busy_cores_of_others(before, now)


@contextmanager
def older_objects_frozen():
    """Python's collector leaves the objects that exist now alone for the block (a run's analysis, its
    charts, its deliverables). These make thousands of short-lived objects, so the collector runs often,
    and its full passes would otherwise walk the whole session too (the results, pandas, the imported
    modules): 0.3–0.9 s of the demo's charts in one process; in a forked child each pass would also copy
    every page it touches. Cyclic garbage among the frozen objects waits until the block ends. A process
    that has frozen objects itself (the dashboard's kernels) is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class Turns:
    """The indices start..n-1 handed out one at a time to whichever process asks first: this one and the
    children it forks after making this. Work split by who is free, not in fixed halves: a run's charts
    differ threefold in cost, and a forked child draws slower at first (its copied pages)."""

    def __init__(self, n: int, *, start: int = 0):
        self._n = n
        self._next = multiprocessing.get_context("fork").Value("i", start)  # shared memory, with its own lock

    def take(self) -> int | None:
        """The next index not yet taken by any process; None when all are."""
        with self._next.get_lock():
            index = self._next.value
            if index >= self._n:
                return None
            self._next.value = index + 1
        return index


class Forked:
    """`func(*args, **kwargs)` running in a forked child; `result()` waits for it and returns its
    value (which must pickle), or raises its error."""

    def __init__(self, func: Callable, *args, **kwargs):
        self._call = (func, args, kwargs)
        self._process = None
        if can_fork():
            context = multiprocessing.get_context("fork")
            self._answer, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_child, args=(sender, func, args, kwargs), daemon=True,
                                            name=f"mirrorgap-{getattr(func, '__name__', 'work')}")
            self._process.start()
            sender.close()  # only the child's end stays open: its death ends our wait

    def result(self):
        """The function's return value; its error raised here."""
        if self._process is None:
            func, args, kwargs = self._call
            return func(*args, **kwargs)
        try:
            kind, payload = pickle.loads(self._answer.recv_bytes())  # before join: a large answer fills the pipe first
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the worker process {self._process.name} stopped without an answer "
                               f"(exit code {self._process.exitcode})") from None
        finally:
            self._answer.close()
        self._process.join()
        if kind == "value":
            return payload
        error, text = payload
        raise error from WorkerTraceback(f"in the worker process {self._process.name}:\n{text}")


def _child(sender, func, args, kwargs) -> None:
    try:
        answer = pickle.dumps(("value", func(*args, **kwargs)))
    except BaseException as exc:  # every error goes back to the parent, which raises it
        answer = _error_answer(exc)
    sender.send_bytes(answer)
    sender.close()


def _error_answer(exc: BaseException) -> bytes:
    text = "".join(traceback.format_exception(exc))
    try:
        answer = pickle.dumps(("error", (exc, text)))
        pickle.loads(answer)  # some errors pickle but cannot be rebuilt from their arguments
        return answer
    except Exception:  # an error that does not pickle goes back as its type and message
        return pickle.dumps(("error", (RuntimeError(f"{type(exc).__name__}: {exc}"), text)))
