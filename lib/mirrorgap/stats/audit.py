"""What an attacker can work out from linked tables of counts: the feasible range of every hidden count.

The tables one publication holds (a side × wave × measure: the total, the one-way tables by unit and by
each segment, the crossed unit × segment tables, the respondent counts — and, when waves are pooled,
every wave with its pool) are *cells* with a count per answer value. Some cells are sums of others:
the total of its units, a unit of its unit × department cells, a pooled cell of its waves. A published
cell fixes its counts; of a hidden one the attacker knows only that its counts are whole numbers ≥ 0
and that every sum holds, value by value, and that a cell's counts add up to its respondents where
those are published (a last "no answer" column, never published, takes who skipped the question).

The feasible range of a hidden count is then the minimum and maximum of a linear program over those
constraints; where the program's optimum is fractional, the integer program gives the whole-number
range (both solved by HiGHS through scipy). This is how statistical offices audit cell suppression
(τ-ARGUS, sdcTable): a suppressed cell is protected when its feasible interval is at least a
protection width wide.

`Attacker.failures` lists, for the cells to protect (small groups), everything such an attacker pins:
- a count of an answer value (or of "no answer") the group has, known to within less than `width`;
- the group's number of answers, or of respondents where those are hidden (and fewer than min_n),
  known to within less than `width`;
- a single possible answer: every value but one is known to be absent, so whoever of the group
  answered gave that value (unless a published group containing it already shows only that value).
A count of 0 the attacker can prove (nobody of the group gave value v) is not a failure by itself,
as empty cells are not sensitive in τ-ARGUS; the single-answer rule bounds what zeros reveal.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mirrorgap.stats.small_groups import too_small

__all__ = ["Attacker", "Failure", "LinkedTables", "load_solver"]

_TOL = 1e-6


def load_solver() -> None:
    """Import what an audit solves with (imported when first needed: dashboard kernels never audit), e.g.
    before forking audits, so that it is imported once and not in each process."""
    import highspy  # noqa: F401
    import scipy.linalg  # noqa: F401  (stats.suppression's linear audit)
    import scipy.sparse  # noqa: F401


@dataclass
class LinkedTables:
    """The true counts of one publication and how its cells add up.

    counts: cells × columns of whole numbers; the first `n_values` columns are answer values, a further
        column (if any) the respondents of the cell who gave no answer.
    sums: (parent, children): the parent cell's counts are the children's summed, in every column.
    size_shown: per cell, whether its number of respondents (its row of counts summed) is published.
    """

    counts: np.ndarray
    sums: list[tuple[int, list[int]]]
    n_values: int
    size_shown: np.ndarray | None = None

    def __post_init__(self):
        self.counts = np.asarray(self.counts, dtype=np.int64)
        if self.size_shown is None:
            self.size_shown = np.zeros(len(self.counts), dtype=bool)
        self.size_shown = np.asarray(self.size_shown, dtype=bool)

    @property
    def n_cells(self) -> int:
        return self.counts.shape[0]

    def answers(self) -> np.ndarray:
        """Answers per cell (the answer-value columns summed)."""
        return self.counts[:, :self.n_values].sum(axis=1)

    def sizes(self) -> np.ndarray:
        """Respondents per cell (all columns summed)."""
        return self.counts.sum(axis=1)

    def neighbours(self) -> list[set[int]]:
        """Per cell the cells it shares a sum with (parent, children, siblings)."""
        out: list[set[int]] = [set() for _ in range(self.n_cells)]
        for parent, children in self.sums:
            members = [parent, *children]
            for m in members:
                out[m].update(members)
        for m, s in enumerate(out):
            s.discard(m)
        return out

    def equations(self, size_shown: np.ndarray | None = None):
        """Everything an attacker knows as equations over all entries (cell × column, row-major):
        (matrix, right-hand side) — every sum in every column, then the respondent counts published
        (`size_shown`, default the tables'), one row per such cell in cell order."""
        from scipy.sparse import coo_array

        n_cells, n_cols = self.counts.shape
        rows, cols, vals, rhs = [], [], [], []
        if self.sums:  # sum k, column j is row k · n_cols + j: −parent + Σ children = 0
            members = np.concatenate([[parent, *children] for parent, children in self.sums])
            of_sum = np.repeat(np.arange(len(self.sums)), [1 + len(children) for _, children in self.sums])
            signs = np.concatenate([np.r_[-1.0, np.ones(len(children))] for _, children in self.sums])
            rows.append((of_sum[:, None] * n_cols + np.arange(n_cols)).ravel())
            cols.append((members[:, None] * n_cols + np.arange(n_cols)).ravel())
            vals.append(np.repeat(signs, n_cols))
            rhs = [0.0] * (len(self.sums) * n_cols)
        sizes = self.sizes()
        for cell in np.flatnonzero(self.size_shown if size_shown is None else size_shown):
            rows.append(np.full(n_cols, len(rhs)))
            cols.append(cell * n_cols + np.arange(n_cols))
            vals.append(np.ones(n_cols))
            rhs.append(float(sizes[cell]))
        if not rhs:
            return coo_array((0, n_cells * n_cols)).tocsc(), np.zeros(0)
        matrix = coo_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                           shape=(len(rhs), n_cells * n_cols))
        return matrix.tocsc(), np.asarray(rhs)


@dataclass(frozen=True)
class Failure:
    """One figure an attacker pins: `kind` "value" (column `column`), "answers", "size" or "single"
    (a single possible answer value, `column`), with the attacker's range [low, high] of the sum of
    `columns` of the cell (for "single": of the other values, which must be able to reach 1)."""

    cell: int
    kind: str
    column: int
    low: float
    high: float
    columns: tuple = ()


def _highs(c, a, row_lo, row_hi, col_hi, *, sense: int = -1, integer: bool = False, seconds: float = 10.0,
           presolve: bool = True):
    """One HiGHS model: optimise c·x over 0 ≤ x ≤ col_hi, row_lo ≤ a x ≤ row_hi (a in CSC).
    Returns the Highs object, run (sense 1 maximises, −1 minimises). presolve: off where only the
    optimum's value matters (a range), as it costs more than it saves on these small programs."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if not presolve:
        h.setOptionValue("presolve", "off")
    h.setOptionValue("time_limit", float(seconds))
    lp = highspy.HighsLp()
    n = len(c)
    # The model's vectors are given as lists: highspy copies a sequence into them element by element,
    # and a list's elements are Python numbers already, where an array makes a NumPy scalar of each
    # (half of the time spent building a model). The same numbers either way.
    lp.num_col_, lp.num_row_ = n, a.shape[0]
    lp.col_cost_ = np.asarray(c, dtype=float).tolist()
    lp.col_lower_ = [0.0] * n
    lp.col_upper_ = np.where(np.isfinite(col_hi), col_hi, highspy.kHighsInf).astype(float).tolist()
    lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -highspy.kHighsInf).astype(float).tolist()
    lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, highspy.kHighsInf).astype(float).tolist()
    lp.sense_ = highspy.ObjSense.kMaximize if sense > 0 else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, a.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr.tolist(), a.indices.tolist(), a.data.tolist()
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    return h


def _outcome(h) -> tuple[str, float, np.ndarray | None]:
    """(status, objective, solution) of a run model: "optimal", "unbounded", "infeasible" or "stopped"
    (a time limit: the best solution found, if any)."""
    import highspy

    status = h.getModelStatus()
    s = highspy.HighsModelStatus
    if status in (s.kUnbounded, s.kUnboundedOrInfeasible):
        return "unbounded", np.nan, None
    if status == s.kInfeasible:
        return "infeasible", np.nan, None
    x = np.asarray(h.getSolution().col_value)
    if status == s.kOptimal:
        return "optimal", float(h.getInfo().objective_function_value), x
    return "stopped", np.nan, x if h.getInfo().primal_solution_status == 2 else None


@dataclass
class _Program:
    """The attacker's linear system for one pattern of shown cells: its unknowns, equations and one
    HiGHS model of it whose objective changes from solve to solve (so each solve starts warm)."""

    var: np.ndarray  # cells × columns: index of the unknown, or -1 when published
    a_eq: object  # CSC
    b_eq: np.ndarray
    n_vars: int
    model: object = None

    def lp(self, c: np.ndarray, sense: int) -> tuple[str, float, np.ndarray | None]:
        """max (sense 1) or min (sense −1) of c·x over x ≥ 0, a_eq x = b_eq."""
        import highspy

        if self.model is None:
            self.model = _highs(c, self.a_eq, self.b_eq, self.b_eq, np.full(self.n_vars, np.inf), sense=sense,
                                presolve=False)
        else:
            self.model.changeObjectiveSense(highspy.ObjSense.kMaximize if sense > 0 else highspy.ObjSense.kMinimize)
            self.model.changeColsCost(self.n_vars, np.arange(self.n_vars, dtype=np.int32), np.asarray(c, dtype=float))
            self.model.run()
        return _outcome(self.model)


@dataclass
class Attacker:
    """An attacker of `tables` who sees the cells in `shown` (values published) and the respondent
    counts in `tables.size_shown`. `width`: the protection width (a range narrower than it pins);
    `min_n`: respondent counts from min_n up are not protected (None: all are).
    Feasible whole-number tables found along the way (the truth first) are kept as witnesses: a range
    they already span needs no solver."""

    tables: LinkedTables
    shown: np.ndarray
    width: int = 1
    min_n: int | None = None
    milp_seconds: float = 10.0
    solves: int = 0
    released: np.ndarray | None = None

    def __post_init__(self):
        self.shown = np.asarray(self.shown, dtype=bool).copy()
        self._stack = self.tables.counts[None].copy()  # witnesses, the first rows of a growing array
        self._n_witnesses = 1
        self._program = None
        self.size_shown = self.tables.size_shown.copy()
        self._known = None  # the attacker's equations, built when first needed (`_equations`)

    # -- the system ---------------------------------------------------------------------------------
    def hide(self, cell: int) -> None:
        """Stop publishing a cell's values (the witnesses stay feasible: they fix it at its truth)."""
        if self.shown[cell]:
            self.shown[cell] = False
            self._program = None

    def hide_size(self, cell: int) -> None:
        """Stop publishing a cell's number of respondents."""
        if self.size_shown[cell]:
            self.size_shown[cell] = False
            self._known = None
            self._program = None

    @property
    def _equations(self):
        """(matrix, right-hand side) of what the attacker knows (`LinkedTables.equations`). Built on
        first use: tables without a small group are never solved, and their equations cost more than
        the rest of their decision."""
        if self._known is None:
            self._known = self.tables.equations(self.size_shown)
        return self._known

    def _free(self) -> np.ndarray:
        """cells × columns: the entries the attacker does not see."""
        t = self.tables
        known = np.zeros(t.counts.shape, dtype=bool)
        known[:, :t.n_values] = self.shown[:, None]
        if t.counts.shape[1] > t.n_values:  # no answers: known where answers and respondents are published
            known[:, t.n_values:] = (self.shown & self.size_shown)[:, None]
        return ~known

    @property
    def program(self) -> _Program:
        if self._program is None:
            free = self._free().ravel()
            matrix, rhs = self._equations
            a_free = matrix[:, np.flatnonzero(free)]
            b = rhs - matrix[:, np.flatnonzero(~free)] @ self.tables.counts.ravel()[~free]
            keep = np.flatnonzero(np.diff(a_free.tocsr().indptr) > 0)  # rows over published entries only hold
            var = np.full(free.shape, -1, dtype=np.int64)
            var[free] = np.arange(int(free.sum()))
            self._program = _Program(var=var.reshape(self.tables.counts.shape), a_eq=a_free[keep, :].tocsc(),
                                     b_eq=b[keep], n_vars=int(free.sum()))
        return self._program

    # -- ranges -------------------------------------------------------------------------------------
    def _objective(self, cell: int, columns) -> tuple[np.ndarray, float]:
        """The sum of `columns` of `cell` as a linear function of the unknowns: (coefficients, constant)."""
        p = self.program
        c = np.zeros(p.n_vars)
        const = 0.0
        for col in columns:
            j = p.var[cell, col]
            if j >= 0:
                c[j] += 1
            else:
                const += self.tables.counts[cell, col]
        return c, const

    @property
    def witnesses(self) -> np.ndarray:
        """The feasible whole-number tables found so far (witnesses × cells × columns), the truth first."""
        return self._stack[:self._n_witnesses]

    def _witnessed(self, cell: int, columns) -> tuple[int, int]:
        values = self.witnesses[:, cell, list(columns)].sum(axis=1)
        return int(values.min()), int(values.max())

    def _witness(self, x: np.ndarray) -> None:
        p = self.program
        w = self.tables.counts.copy()
        mask = p.var >= 0
        w[mask] = np.rint(x[p.var[mask]]).astype(np.int64)
        self._keep(w)

    def _keep(self, table: np.ndarray) -> None:
        if self._n_witnesses == len(self._stack):  # grow by doubling: appends stay cheap
            self._stack = np.concatenate([self._stack, np.empty_like(self._stack)])
        self._stack[self._n_witnesses] = table
        self._n_witnesses += 1

    def offer(self, table: np.ndarray | None) -> bool:
        """Keep `table` (cells × columns) as a witness if this attacker cannot rule it out: whole
        numbers ≥ 0, every entry it sees at its truth, every sum and published respondent count holding.
        Checked here, whoever made the table, so a wrong table is refused rather than kept."""
        if table is None or np.shape(table) != self.tables.counts.shape:
            return False
        table = np.asarray(table)
        if not np.issubdtype(table.dtype, np.integer) or (table < 0).any():
            return False
        known = ~self._free()
        if not np.array_equal(table[known], self.tables.counts[known]):
            return False
        matrix, rhs = self._equations
        if not np.array_equal(matrix @ table.ravel().astype(float), rhs):  # small whole numbers: exact in floats
            return False
        self._keep(table.astype(np.int64))
        return True

    def _lp(self, c: np.ndarray, sense: int) -> float:
        """The LP bound of c·x: its max (sense 1) or min (sense −1); ±inf when unbounded. A whole-number
        optimum becomes a witness."""
        self.solves += 1
        status, value, x = self.program.lp(c, sense)
        if status == "unbounded":
            return sense * np.inf
        if status != "optimal":  # the truth is feasible, so this cannot happen
            raise RuntimeError(f"the attacker's LP ended {status}")
        if np.all(np.abs(x - np.rint(x)) < _TOL):
            self._witness(x)
        return value

    def _milp(self, c: np.ndarray, sense: int) -> None:
        """The whole-number optimum of c·x (sense as in `_lp`), kept as a witness."""
        p = self.program
        self.solves += 1
        h = _highs(c, p.a_eq, p.b_eq, p.b_eq, np.full(p.n_vars, np.inf), sense=sense, integer=True,
                   seconds=self.milp_seconds)
        _, _, x = _outcome(h)
        if x is not None:  # optimal, or the best found in time: feasible either way
            self._witness(x)

    def spans(self, cell: int, columns, width: int) -> tuple[bool, float, float]:
        """Whether the attacker's whole-number range of the sum of `columns` of `cell` is at least
        `width` wide, with the range (as far as needed to decide: witnesses, LP bounds, MILP)."""
        lo, hi = self._witnessed(cell, columns)
        if hi - lo >= width:
            return True, lo, hi
        c, const = self._objective(cell, columns)
        if not c.any():
            return False, lo, hi
        top = self._lp(c, 1) + const
        lo, hi = self._witnessed(cell, columns)
        if hi - lo >= width or top == np.inf:  # unbounded, and whole numbers too (rational data, the truth feasible)
            return True, lo, max(hi, top)
        bottom = self._lp(c, -1) + const
        lo, hi = self._witnessed(cell, columns)
        if hi - lo >= width:
            return True, lo, hi
        top_int, bottom_int = np.floor(top + _TOL), np.ceil(bottom - _TOL)
        if top_int - bottom_int < width:  # integrality only narrows: pinned for certain
            return False, bottom_int, top_int
        if top_int > hi:
            self._milp(c, 1)
        if bottom_int < lo:
            self._milp(c, -1)
        lo, hi = self._witnessed(cell, columns)
        return hi - lo >= width, lo, hi

    def can_exceed_zero(self, cell: int, columns) -> bool:
        """Whether some whole-number table the attacker cannot rule out has the sum of `columns` ≥ 1."""
        if self._witnessed(cell, columns)[1] >= 1:
            return True
        c, const = self._objective(cell, columns)
        if not c.any():
            return const >= 1
        top = self._lp(c, 1) + const
        if self._witnessed(cell, columns)[1] >= 1 or top == np.inf:
            return True
        if np.floor(top + _TOL) >= 1:
            self._milp(c, 1)
        return self._witnessed(cell, columns)[1] >= 1

    # -- what to protect ----------------------------------------------------------------------------
    def support(self, cell: int) -> set[int]:
        """The answer values a published group containing `cell` allows: those present in every
        published cell above it (all values when none is published)."""
        t = self.tables
        if not hasattr(self, "_parents"):
            self._parents: list[list[int]] = [[] for _ in range(t.n_cells)]
            for parent, children in t.sums:
                for ch in children:
                    self._parents[ch].append(parent)
        allowed, seen, todo = set(range(t.n_values)), {cell}, list(self._parents[cell])
        while todo:
            p = todo.pop()
            if p in seen:
                continue
            seen.add(p)
            if self.shown[p]:
                allowed &= set(np.flatnonzero(t.counts[p, :t.n_values] > 0).tolist())
            todo.extend(self._parents[p])
        return allowed

    def failures(self, protect: np.ndarray) -> list[Failure]:
        """Everything the attacker pins about the cells in `protect` (see the module docstring)."""
        return [f for cell in np.flatnonzero(protect) for f in self.cell_failures(int(cell))]

    def cell_failures(self, cell: int) -> list[Failure]:
        """What the attacker pins about one cell: its answer-value counts, its numbers of answers and
        of respondents, and whether its answers could be of one value only."""
        out = []
        for check in self._checks(cell):
            failure = self._check(cell, check)
            if failure is not None:
                out.append(failure)
        return out

    def first_failure(self, cell: int, passed: set) -> Failure | None:
        """The first of `cell_failures`, skipping the checks in `passed` (their keys) and adding those
        that pass: hiding only widens the attacker's ranges, so a check once passed stays passed and a
        caller that hides between calls need not solve it again."""
        for check in self._checks(cell):
            if check[0] in passed:
                continue
            failure = self._check(cell, check)
            if failure is not None:
                return failure
            passed.add(check[0])
        return None

    def _checks(self, cell: int) -> list[tuple]:
        """The figures to check of a cell, in order, as (key, kind, column, columns): each answer value
        it has, its answers, its respondents (where hidden and fewer than min_n), a single answer value
        (where a published group containing it allows two or more)."""
        t = self.tables
        truth = t.counts[cell]
        values = list(range(t.n_values))
        checks = [(("value", k), "value", k, [k]) for k in range(len(truth)) if truth[k] > 0]
        if len(truth) > t.n_values and truth[:t.n_values].sum() > 0:
            checks.append((("answers",), "answers", -1, values))
        small = self.min_n is None or too_small(truth.sum(), self.min_n)
        if len(truth) > 1 and not self.size_shown[cell] and truth.sum() > 0 and small:
            checks.append((("size",), "size", -1, list(range(len(truth)))))
        present = [k for k in values if truth[k] > 0]
        if len(present) == 1 and len(self.support(cell)) >= 2:
            checks.append((("single",), "single", present[0], [k for k in values if k != present[0]]))
        return checks

    def _check(self, cell: int, check: tuple) -> Failure | None:
        _, kind, k, columns = check
        if kind == "single":
            return None if self.can_exceed_zero(cell, columns) else Failure(cell, kind, k, 0, 0, tuple(columns))
        ok, lo, hi = self.spans(cell, columns, self.width)
        return None if ok else Failure(cell, kind, k, lo, hi, tuple(columns))

    def explore(self, protect: np.ndarray, rounds: int = 4, seed: int = 0) -> None:
        """Witnesses in bulk: LP vertices that push the counts of the cells to protect every which way
        (random ±1 weights), so that most ranges are spanned before any range is solved for."""
        p = self.program
        entries = p.var[np.flatnonzero(protect)]
        entries = entries[entries >= 0]
        if not len(entries):
            return
        rng = np.random.default_rng(seed)
        for _ in range(rounds):
            c = np.zeros(p.n_vars)
            c[entries] = rng.choice([-1.0, 1.0], size=len(entries))
            self._lp(c, 1)

    def release(self, failure: Failure, *, cost: np.ndarray, may_hide: np.ndarray,
                size_cost: np.ndarray | None = None, integral: bool = False) -> tuple[set[int], set[int]] | None:
        """The cheapest published cells to hide so that a table moving the failing figure by the
        protection width (or, for "single", giving the cell another answer value) becomes feasible:
        each published cell in `may_hide` may deviate from its truth at `cost` per unit (a cell that
        deviates must be hidden), and so may its respondent count at `size_cost` (None: sizes stay).
        Returns (cells whose values to hide, cells whose respondent counts to hide); None when even
        hiding all of them does not do. integral: solve the whole-number program. The table found is
        kept in `released` (None where fractional): offered once those cells are hidden, it spans the
        failing figure without a further solve."""
        from scipy.sparse import coo_array, csc_array, hstack, vstack

        t = self.tables
        n_cols = t.counts.shape[1]
        free = self._free().ravel()
        movable = np.repeat(may_hide & self.shown, n_cols) & ~free
        sized = np.flatnonzero(self.size_shown)
        n_size_rows = len(sized)
        size_movable = np.zeros(len(sized), dtype=bool) if size_cost is None else may_hide[sized]
        n_sm = int(size_movable.sum())
        weight = np.repeat(np.asarray(cost, dtype=float), n_cols)
        if n_sm and n_cols > t.n_values:  # with its size, a shown cell's no-answers move (paid by the size)
            na = sized[size_movable] * n_cols + t.n_values
            na = na[~free[na] & ~movable[na]]
            movable[na] = True
            weight[na] = 0.0
        matrix, rhs = self._equations
        truth = t.counts.ravel()
        n_free, n_mov = int(free.sum()), int(movable.sum())
        # a published respondent count that may move: its row reads Σ x − up + down = size
        size_rows = matrix.shape[0] - n_size_rows + np.flatnonzero(size_movable)
        s_mat = coo_array((-np.ones(n_sm), (size_rows, np.arange(n_sm))), shape=(matrix.shape[0], n_sm)).tocsc()
        # the program's columns: the unknowns, per movable entry an increase and a decrease, then the sizes'
        a_mov = matrix[:, np.flatnonzero(movable)]
        a = hstack([matrix[:, np.flatnonzero(free)], a_mov, -a_mov, s_mat, -s_mat], format="csc")
        b = rhs - matrix[:, np.flatnonzero(~free)] @ truth[~free]  # movable entries start at their truth
        target = np.zeros(t.counts.size)
        target[failure.cell * n_cols + np.asarray(failure.columns)] = 1
        t_mov = target[movable]
        row = np.r_[target[free], t_mov, -t_mov, np.zeros(2 * n_sm)]
        const = float(target[~free] @ truth[~free])
        a = vstack([a, csc_array(row[None, :])], format="csc")
        weights = weight[movable]
        s_weights = np.zeros(0) if size_cost is None else np.asarray(size_cost, dtype=float)[sized[size_movable]]
        objective = np.r_[np.zeros(n_free), weights, weights, s_weights, s_weights]
        sizes = t.sizes()[sized[size_movable]]
        upper = np.r_[np.full(n_free + n_mov, np.inf), truth[movable], np.full(n_sm, np.inf), sizes]
        value = float(t.counts[failure.cell, list(failure.columns)].sum())
        if failure.kind == "single":
            goals = [(1.0, np.inf)]
        else:
            goals = [(value + self.width, np.inf)] + ([(-np.inf, value - self.width)] if value >= self.width else [])
        best = None
        for lo, hi in goals:
            self.solves += 1
            # Without presolve the LP takes half the time; where complements cost the same it may pick
            # another of them than with presolve (on the demo a crossed cell here and there, no group).
            h = _highs(objective, a, np.r_[b, lo - const], np.r_[b, hi - const], upper, integer=integral,
                       seconds=self.milp_seconds, presolve=integral)
            status, fun, x = _outcome(h)
            if status == "optimal" and (best is None or fun < best[0]):
                best = (fun, x)
        if best is None:
            return None
        x = best[1]
        k = n_free + 2 * n_mov
        # the program's table: once its moved cells are hidden the attacker cannot rule it out (`offer`)
        table = truth.astype(float)
        table[free] = x[:n_free]
        table[movable] += x[n_free:n_free + n_mov] - x[n_free + n_mov:k]
        self.released = (np.rint(table).astype(np.int64).reshape(t.counts.shape)
                         if np.all(np.abs(table - np.rint(table)) < _TOL) else None)
        moved = x[n_free:n_free + n_mov] + x[n_free + n_mov:k] > _TOL
        sizes_moved = x[k:k + n_sm] + x[k + n_sm:] > _TOL
        return ({int(e) // n_cols for e in np.flatnonzero(movable)[moved]},
                {int(c) for c in sized[size_movable][sizes_moved]})
