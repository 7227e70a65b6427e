"""Work on the machine's other core (`mirrorgap.cores`): a function run in a forked child process while this one goes on.

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

import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable

from mirrorgap.errors import WorkerTraceback

__all__ = ["ONE_PROCESS", "Forked", "WorkerTraceback", "can_fork", "second_core"]

ONE_PROCESS = "MIRRORGAP_ONE_PROCESS"  # set (to anything): never split work, e.g. on a shared server


def can_fork() -> bool:
    """Whether `Forked` forks: on Linux, with at least two cores this process may use."""
    return sys.platform == "linux" and len(os.sched_getaffinity(0)) >= 2


def second_core() -> bool:
    """Whether splitting work over two processes pays now: `can_fork`, and a core is idle (the last
    minute's load average at most the cores less one, give or take half: this process is one of them).
    On a busy machine the cores are shared out between sessions (the kernel's scheduler groups them), so
    a second process gains no CPU and only adds its start (its own font caches, copied memory pages):
    measured on this 2-core machine at load 3.5–4.7, the demo took more CPU with it than without."""
    if os.environ.get(ONE_PROCESS):
        return False
    cores = len(os.sched_getaffinity(0)) if sys.platform == "linux" else 1
    return can_fork() and os.getloadavg()[0] < cores - 0.5


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
