"""Errors that speak to a consultant: what is wrong, where, and how to fix it."""
from __future__ import annotations


class MirrorgapError(Exception):
    """Base of every error mirrorgap raises on purpose."""


class ParamsError(MirrorgapError):
    """The engagement's params YAML is invalid; `problems` lists every problem found at once."""

    def __init__(self, path, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.path}: {len(self.problems)} problem(s) in the engagement params:\n{lines}")


class InputFileError(MirrorgapError):
    """A survey file cannot be used as it is.

    Names the file and, where known, the row (as numbered in a spreadsheet program), the column,
    the offending value and the fix.
    """

    def __init__(self, file, problem: str, *, fix: str, row: int | None = None,
                 column: str | None = None, value: object = None):
        self.file, self.problem, self.fix = str(file), problem, fix
        self.row, self.column, self.value = row, column, value
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        if value is not None:
            where.append(f"value {value!r}")
        super().__init__(f"{', '.join(where)}: {problem}\n  fix: {fix}")
