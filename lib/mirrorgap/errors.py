"""Errors that speak to a consultant: what is wrong, where, and how to fix it.

One hierarchy under `MirrorgapError`. Every error pickles and unpickles to an equal error (papermill
and the batch runner carry errors across processes), because each keeps the arguments it was built
from and `__reduce__` rebuilds it from them.
"""
from __future__ import annotations


class MirrorgapError(Exception):
    """Base of every error mirrorgap raises on purpose."""

    def __reduce__(self):
        return (_rebuild, (type(self), self.args, getattr(self, "_kwargs", {})))


def _rebuild(cls, args, kwargs):
    return cls(*args, **kwargs)


def exit_code(action) -> int:
    """Run a command-line `action()`: 0 when it succeeds; a MirrorgapError is printed for the
    consultant as "error: …" on stderr (no traceback) and gives 2."""
    import sys

    try:
        action()
    except MirrorgapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


class ParamsError(MirrorgapError):
    """The engagement's params YAML is invalid; `problems` lists every problem found at once."""

    def __init__(self, path, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        super().__init__(self.path, self.problems)

    def __str__(self) -> str:
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{self.path}: {len(self.problems)} problem(s) in the engagement params:\n{lines}"


class InputFileError(MirrorgapError):
    """A survey file cannot be used as it is.

    Names the file and, where known, the row (as numbered in a spreadsheet program), the column,
    the offending value and the fix.
    """

    def __init__(self, file, problem: str, *, fix: str, row: int | None = None,
                 column: str | None = None, value: object = None):
        self.file, self.problem, self.fix = str(file), problem, fix
        self.row, self.column, self.value = row, column, value
        super().__init__(self.file, problem)
        self._kwargs = {"fix": fix, "row": row, "column": column, "value": value}

    def __str__(self) -> str:
        where = [f"file {self.file}"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.problem}\n  fix: {self.fix}"


class CheckFailed(MirrorgapError):
    """`make check` found problems in the data that the params do not explain; each is an error of its own
    (file, column, value, fix), all listed at once."""

    def __init__(self, problems: list[MirrorgapError]):
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return f"{len(self.problems)} problem(s) found:\n" + "\n".join(f"- {p}" for p in self.problems)


class AnalysisError(MirrorgapError, ValueError):
    """The params ask for an analysis the data cannot give (a wave or unit column that is not there…);
    the message says what to set. A ValueError too, as any bad argument."""


class PdfError(MirrorgapError):
    """report.pdf could not be printed (no Chromium, or Chromium failed)."""


class RunFailed(MirrorgapError):
    """The engagement notebook stopped with an error; the executed notebook is kept for inspection."""


class DashboardError(MirrorgapError):
    """The dashboard cannot be started as asked (no run yet, no aggregates, bad port…)."""


class UnknownScope(DashboardError, ValueError):
    """A manager's scope names a unit the run's aggregates do not know."""


# Signals inside the readers, each turned into an InputFileError (file, row, fix) where it is caught.

class LayoutMismatch(MirrorgapError, ValueError):
    """`format: qualtrics` was given, but the row that should hold question texts holds answers."""

    def __init__(self, line: int, fields: list[str]):
        self.line, self.fields = line, list(fields)
        super().__init__(line, self.fields)

    def __str__(self) -> str:
        return f"row {self.line} holds answers"


class LabelConflict(MirrorgapError, ValueError):
    """The value labels of a column cannot be read as one scale; the message says which labels."""


class EncodingMismatch(MirrorgapError, ValueError):
    """The bytes decode, or fail to, in a way that shows the encoding is another one.

    offset: the first byte that shows it (into the raw file). tried: the encoding read with.
    suggestion: the `encoding:` to set, None when no encoding fits. reason: what is wrong, in words.
    """

    def __init__(self, reason: str, *, offset: int, length: int, tried: str, suggestion: str | None):
        self.reason, self.offset, self.length = reason, offset, length
        self.tried, self.suggestion = tried, suggestion
        super().__init__(reason)
        self._kwargs = {"offset": offset, "length": length, "tried": tried, "suggestion": suggestion}


class WorkerTraceback(MirrorgapError):
    """The traceback of an error raised in a forked worker process (`mirrorgap.config.cores`): set as the cause
    of that error when it is raised again in the run, so the run's message shows where it happened."""
