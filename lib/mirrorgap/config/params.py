"""The one schema of an engagement's parameters, and loading it from `params/<client>.yaml`.

Defaults live here and nowhere else. Unknown or misspelt keys are errors that say what was meant,
and every problem in a file is reported at once.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from mirrorgap.config.paths import PROJ_ROOT
from mirrorgap.errors import ParamsError

Language = Literal["sv", "da", "nb", "en"]
LANGUAGES: tuple[str, ...] = ("sv", "da", "nb", "en")
Side = Literal["customer", "employee"]
SIDES: tuple[str, ...] = ("customer", "employee")
FileFormat = Literal["csv", "xlsx", "sav", "qualtrics", "surveymonkey"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputFile(_Strict):
    """Where one side's survey file is and how to read it; every field but `path` is sniffed when absent."""

    path: str
    format: FileFormat | None = None
    sheet: str | int | None = None
    skip_rows: Annotated[int, Field(ge=0)] | None = None  # rows above the header row
    delimiter: Literal[",", ";", "\t", "|"] | None = None
    encoding: str | None = None
    decimal: Literal[".", ","] | None = None
    outside_project: bool = False  # allow a path outside the project folder (client data belongs in data/<client>/)


# Column names the pipeline itself gives a side's rows (and its aggregates' measures): an item id
# that equals one would overwrite it. tests/test_params.py checks this list against the code.
RESERVED_IDS: frozenset[str] = frozenset(
    {"respondent_id", "source_row", "wave", "unit", "nps", "enps", "satisfaction", "respondents"})


def outside_project(path: str) -> bool:
    """Whether an input path from params leads outside the project folder (judged on the path as
    written, `..` included: a symlink placed inside the project is the consultant's own choice)."""
    p = Path(path).expanduser()
    full = Path(os.path.normpath(p if p.is_absolute() else PROJ_ROOT / p))
    return not full.is_relative_to(PROJ_ROOT)


class Scale(_Strict):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> "Scale":
        if not self.max > self.min:
            raise ValueError(f"scale max ({self.max}) must be above min ({self.min})")
        return self


def _check_rake_to(rake_to: dict[str, dict[str, float]], unit_column: str | None, segment_columns: list[str]) -> None:
    """Raking margins name `unit` or a segment column, each with a positive count or share per group."""
    for column, margin in rake_to.items():
        if column != "unit" and column not in segment_columns:
            raise ValueError(f"rake_to: {column!r} is not `unit` or one of segment_columns "
                             f"({', '.join(segment_columns) or 'none'})")
        if column == "unit" and not unit_column:
            raise ValueError("rake_to: unit needs `unit_column`")
        bad = {k: v for k, v in margin.items() if not (v > 0)}
        if not margin or bad:
            raise ValueError(f"rake_to: {column!r} needs a positive population count or share for each group"
                             + (f", got {bad}" if bad else ""))


class SideSpec(_Strict):
    """One side's survey: its file, its columns and how its answers are coded."""

    input: InputFile
    id_column: str | None = None  # left out: the file has no respondent id and each row is one respondent
    unit_column: str | None = None
    wave_column: str | None = None
    segment_columns: list[str] = []
    nps_column: str | None = None  # NPS on the customer side, eNPS on the employee side
    satisfaction_column: str | None = None  # an overall-satisfaction question (a key-driver outcome)
    satisfaction_scale: Scale = Scale(min=1, max=10)
    tenure_column: str | None = None  # employee journey stage (tenure band); also listed in segment_columns
    tenure_order: list[str] = []  # the bands from newest to longest-serving, e.g. ["< 1 år", "1–3 år", …]
    customer_facing_column: str | None = None  # employees with / without direct customer contact
    comment_columns: list[str] = []
    answer_labels: dict[str, float] = {}
    standard_labels: bool = True  # also accept the built-in sv/da/nb/en agree-scale labels
    dont_know: list[str | int | float] = []
    # --- weights (issue 13, point 7): Kish's effective n in every CI and test of this side ---
    weight_column: str | None = None  # a design weight per respondent (≥ 0); with rake_to, the starting weight
    rake_to: dict[str, dict[str, float]] = {}  # population margins: column (`unit` or a segment column) -> group -> count or share

    @model_validator(mode="after")
    def _rake_margins(self) -> "SideSpec":
        _check_rake_to(self.rake_to, self.unit_column, self.segment_columns)
        return self

    @model_validator(mode="after")
    def _journey_columns_are_segments(self) -> "SideSpec":
        for name in ("tenure_column", "customer_facing_column"):
            col = getattr(self, name)
            if col and col not in self.segment_columns:
                raise ValueError(f"{name} {col!r} must also be listed in segment_columns")
        return self

    @field_validator("id_column")
    @classmethod
    def _id_column_names_a_column(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must name the respondent-id column; leave `id_column:` out when the file has "
                             "no respondent id (each row is then one respondent)")
        return value

    @field_validator("answer_labels")
    @classmethod
    def _labels_are_trimmed(cls, labels: dict[str, float]) -> dict[str, float]:
        return {" ".join(k.split()): v for k, v in labels.items()}


class MirrorItem(_Strict):
    """One question asked on both sides, each phrased from its own side."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    label: dict[Language, str]
    customer_column: str
    employee_column: str
    customer_scale: Scale = Scale(min=1, max=5)
    employee_scale: Scale = Scale(min=1, max=5)
    reversed: bool = False  # negatively worded on both sides: turned around before comparison
    touchpoint: str | None = None
    theme: str | None = None


# ---------------------------------------------------------------------------------------------------
# side-only questions and the indices built from them (issue 13, points 1–5)

JourneyStage = Literal["introduction", "expectations", "feedback", "development", "ideas"]
JOURNEY_STAGES: tuple[str, ...] = ("introduction", "expectations", "feedback", "development", "ideas")
FiveI = Literal["inspire", "involve", "inform", "instruct", "incentives"]
FIVE_IS: tuple[str, ...] = ("inspire", "involve", "inform", "instruct", "incentives")


class Question(_Strict):
    """One question asked on one side only (an engagement, leadership or touchpoint question)."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    column: str
    label: dict[Language, str]
    scale: Scale = Scale(min=1, max=5)
    reversed: bool = False  # negatively worded: turned around so that higher is always better
    index: str | None = None  # the index (an id under `indices:`) this question counts towards


class CustomerQuestion(Question):
    """A customer-only question: where the customer meets the company (`touchpoint`), or loyalty."""

    touchpoint: str | None = None


class EmployeeQuestion(Question):
    """An employee-only question: its stage of the employee journey and its area of the 5 I's."""

    stage: JourneyStage | None = None
    five_i: FiveI | None = None


class Questions(_Strict):
    """The side-only questions, per side."""

    customer: list[CustomerQuestion] = []
    employee: list[EmployeeQuestion] = []


class IndexSpec(_Strict):
    """An index (e.g. engagement) scored from a group of one side's questions (those naming it in `index:`)."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    label: dict[Language, str]


class PulseSpec(_Strict):
    """Short, frequent employee waves ("where are you on a 1–10 scale this week?") for a time series."""

    input: InputFile
    id_column: str
    period_column: str  # e.g. ISO week 2026-W05
    score_column: str
    scale: Scale = Scale(min=1, max=10)
    unit_column: str | None = None
    segment_columns: list[str] = []
    # --- weights: each period's means and intervals weighted, with Kish's effective n ---
    weight_column: str | None = None  # a design weight per answer (≥ 0); with rake_to, the starting weight
    rake_to: dict[str, dict[str, float]] = {}  # population margins per period: `unit` or a segment column -> group -> count or share

    @model_validator(mode="after")
    def _rake_margins(self) -> "PulseSpec":
        _check_rake_to(self.rake_to, self.unit_column, self.segment_columns)
        return self

    @property
    def weighted(self) -> bool:
        """Whether the pulse's figures are weighted (a weight column, raking or both)."""
        return bool(self.weight_column or self.rake_to)


class HeadcountSpec(_Strict):
    """How many employees were invited (issue 13, point 6): one row per unit and/or department (a segment
    column of the employee side), optionally per wave, with a whole number invited. Gives response rates
    and the finite-population correction of the employees' confidence intervals."""

    input: InputFile
    invited_column: str
    unit_column: str | None = None  # the column holding the unit, spelt as in the employee survey
    segment_column: str | None = None  # the column holding the department etc.; `segment` names which one
    segment: str | None = None  # the employee segment column it matches (one of employee.segment_columns)
    wave_column: str | None = None  # left out: the same headcount for every wave

    @model_validator(mode="after")
    def _some_group(self) -> "HeadcountSpec":
        if not (self.unit_column or self.segment_column):
            raise ValueError("give `unit_column`, `segment_column` or both: the groups the headcount counts")
        if bool(self.segment_column) != bool(self.segment):
            raise ValueError("`segment_column` and `segment` go together: the file's column and the employee "
                             "segment column it matches")
        return self


class Branding(_Strict):
    """The consultancy's look on the client-facing dashboard and deck."""

    consultancy: str = "mirrorgap"
    logo: str | None = None  # an image file (PNG/SVG), relative to the project root
    primary_color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#1D3557"
    accent_color: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#E69F00"
    font: str = "DejaVu Sans"


class Analysis(_Strict):
    wave: str = "latest"  # the wave the gap table describes: "latest", "all" (pooled) or a wave's label
    # the waves oldest first, where their labels do not sort by time ("höst 2025", "vår 2026"); empty:
    # the labels' own order (2025 < 2026, 2026-W05 < 2026-W12; SPSS: the codes' order)
    wave_order: list[str] = []
    min_n: Annotated[int, Field(ge=2)] = 5
    gap_threshold: Annotated[float, Field(ge=0, le=100)] = 5.0  # POMP points
    alpha: Annotated[float, Field(gt=0, lt=1)] = 0.05
    top_box_at: Annotated[float, Field(gt=0, le=100)] = 75.0  # POMP at or above which an answer is top box (1–5: 4 and 5)
    shared_strength_at: Annotated[float, Field(ge=0, le=100)] = 70.0  # both sides at or above: shared strength
    shared_weakness_at: Annotated[float, Field(ge=0, le=100)] = 50.0  # both sides below: shared weakness
    driver_outcome: Literal["nps", "satisfaction"] = "nps"  # the customers' loyalty measure for key drivers
    bootstrap: Annotated[int, Field(ge=0, le=10000)] = 500  # resamples for driver CIs (0: none)
    seed: int = 20261123  # fixes bootstrap resamples: same inputs, same CIs
    min_n_comments: Annotated[int, Field(ge=2)] = 10  # quotes only from groups with at least this many commenters
    linkage_min_customers: Annotated[int, Field(ge=2)] = 20  # a unit enters linkage with this many customers (and min_n employees)
    # what the gap table compares: the POMP mean, or the top-box share (percentage points); unit,
    # journey and trend breakdowns stay on the POMP mean
    metric: Literal["mean", "top_box"] = "mean"
    exclude_items: list[str] = []  # mirror item ids left out of the analysis (kept in `items` for later waves)


class Engagement(_Strict):
    """Everything one client engagement needs, validated."""

    client: str
    language: Language = "en"
    customer: SideSpec
    employee: SideSpec
    items: Annotated[list[MirrorItem], Field(min_length=1)]
    questions: Questions = Questions()  # side-only questions (not mirror items)
    indices: list[IndexSpec] = []  # indices scored from groups of questions
    pulse: PulseSpec | None = None
    headcount: HeadcountSpec | None = None  # employees invited per unit / department: response rates, the FPC
    scrub_names: list[str] = []  # names to remove from comments (staff, customers), besides e-mails, phones, ID numbers
    codebook: str = "templates/codebook.yaml"  # comment themes and their keywords per language (consultant-editable)
    branding: Branding = Branding()
    analysis: Analysis = Analysis()

    @model_validator(mode="after")
    def _items_consistent(self) -> "Engagement":
        problems = []
        ids = [i.id for i in self.items]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(f"item id {dup!r} is used more than once")
        for item in self.items:
            if self.language not in item.label:
                problems.append(f"item {item.id!r} has no label in the engagement language {self.language!r}")
        for side in SIDES:
            cols = [getattr(i, f"{side}_column") for i in self.items]
            for dup in sorted({c for c in cols if cols.count(c) > 1}):
                problems.append(f"{side} column {dup!r} is used by more than one item")
        for item_id in sorted(set(ids) & RESERVED_IDS):
            problems.append(f"item id {item_id!r} is a name the pipeline uses itself "
                            f"({', '.join(sorted(RESERVED_IDS))}); choose another id")
        for side in SIDES:
            spec = self.side(side)
            for item_id in sorted(set(ids) & {*spec.segment_columns, *spec.comment_columns}):
                problems.append(f"item id {item_id!r} is also {'an' if side == 'employee' else 'a'} {side} segment or comment column; choose "
                                "another id")
        inputs = [(side, self.side(side).input) for side in SIDES] + ([("pulse", self.pulse.input)] if self.pulse else [])
        for name, spec in inputs:
            if outside_project(spec.path) and not spec.outside_project:
                problems.append(f"{name}.input.path: {spec.path!r} is outside the project folder ({PROJ_ROOT}); "
                                f"put the file under data/<client>/, or set `outside_project: true` under "
                                f"`{name}: input:` if it must stay where it is")
        for item_id in self.analysis.exclude_items:
            if item_id not in ids:
                close = difflib.get_close_matches(item_id, ids, n=1, cutoff=0.6)
                hint = f" — did you mean {close[0]!r}?" if close else f" (items: {', '.join(ids)})"
                problems.append(f"analysis.exclude_items: {item_id!r} is not an item id{hint}")
        if set(ids) <= set(self.analysis.exclude_items):
            problems.append("analysis.exclude_items leaves no mirror item to analyse; keep at least one")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _headcount_fits(self) -> "Engagement":
        h, e = self.headcount, self.employee
        if h is None:
            return self
        problems = []
        if h.unit_column and not e.unit_column:
            problems.append("headcount.unit_column: the employee side has no unit_column to match")
        if h.segment and h.segment not in e.segment_columns:
            problems.append(f"headcount.segment: {h.segment!r} is not one of employee.segment_columns "
                            f"({', '.join(e.segment_columns) or 'none'})")
        if h.wave_column and not e.wave_column:
            problems.append("headcount.wave_column: the employee side has no wave_column to match")
        if outside_project(h.input.path) and not h.input.outside_project:
            problems.append(f"headcount.input.path: {h.input.path!r} is outside the project folder ({PROJ_ROOT}); "
                            "put the file under data/<client>/, or set `outside_project: true`")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @model_validator(mode="after")
    def _questions_consistent(self) -> "Engagement":
        problems = []
        index_ids = [x.id for x in self.indices]
        for dup in sorted({i for i in index_ids if index_ids.count(i) > 1}):
            problems.append(f"index id {dup!r} is used more than once")
        for x in self.indices:
            if self.language not in x.label:
                problems.append(f"index {x.id!r} has no label in the engagement language {self.language!r}")
        item_ids = {i.id for i in self.items}
        for side in SIDES:
            spec, questions = self.side(side), self.side_questions(side)
            ids = [q.id for q in questions]
            taken = {getattr(i, f"{side}_column") for i in self.items}
            taken |= {c for c in (spec.id_column, spec.unit_column, spec.wave_column, spec.nps_column,
                                  spec.satisfaction_column) if c}
            taken |= {*spec.segment_columns, *spec.comment_columns}
            columns = [q.column for q in questions]
            for dup in sorted({i for i in ids if ids.count(i) > 1}):
                problems.append(f"questions.{side}: id {dup!r} is used more than once")
            for dup in sorted({c for c in columns if columns.count(c) > 1}):
                problems.append(f"questions.{side}: column {dup!r} is used by more than one question")
            for q in questions:
                where = f"questions.{side}: {q.id!r}"
                if q.id in item_ids:
                    problems.append(f"{where} is also a mirror item id; choose another id")
                if q.id in RESERVED_IDS:
                    problems.append(f"{where} is a name the pipeline uses itself; choose another id")
                if q.id in {*spec.segment_columns, *spec.comment_columns}:
                    problems.append(f"{where} is also a {side} segment or comment column; choose another id")
                if q.column in taken:
                    problems.append(f"{where}: column {q.column!r} is already used by a mirror item or as an "
                                    f"id, unit, wave, NPS, satisfaction, segment or comment column")
                if self.language not in q.label:
                    problems.append(f"{where} has no label in the engagement language {self.language!r}")
                if q.index is not None and q.index not in index_ids:
                    close = difflib.get_close_matches(q.index, index_ids, n=1, cutoff=0.6)
                    hint = (f" — did you mean {close[0]!r}?" if close else
                            f" (indices: {', '.join(index_ids)})" if index_ids else " (declare it under `indices:`)")
                    problems.append(f"{where}: index {q.index!r} is not an index id{hint}")
        for x in self.indices:
            sides = {side for side in SIDES for q in self.side_questions(side) if q.index == x.id}
            if len(sides) > 1:
                problems.append(f"index {x.id!r} mixes customer and employee questions; an index belongs to one side")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def side_questions(self, side: str) -> list[Question]:
        """The side-only questions of one side, in params order."""
        return list(getattr(self.questions, side))

    @property
    def analysed_items(self) -> list[MirrorItem]:
        """The mirror items the analysis uses: `items` without `analysis.exclude_items`."""
        excluded = set(self.analysis.exclude_items)
        return [i for i in self.items if i.id not in excluded]

    def side(self, side: str) -> SideSpec:
        return getattr(self, side)


def _field_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _model_at(loc: tuple, root: type[BaseModel]) -> type[BaseModel] | None:
    """The model whose fields are valid at a validation-error location (to suggest a spelling)."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        ann = model.model_fields.get(part)
        if ann is None:
            return None
        target = ann.annotation
        for candidate in (target, *getattr(target, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                model = candidate
                break
        else:
            model = None
    return model


def _describe(err: dict, root: type[BaseModel]) -> str:
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        model = _model_at(loc, root)
        choices = _field_names(model) if model else []
        close = difflib.get_close_matches(str(loc[-1]), choices, n=1, cutoff=0.6)
        hint = f" — did you mean {close[0]!r}?" if close else (f" (allowed: {', '.join(choices)})" if choices else "")
        return f"{where}: unknown key{hint}"
    if err["type"] == "missing":
        return f"{where}: required but missing"
    msg = err["msg"].removeprefix("Value error, ")
    value = err.get("input")
    shown = f" (got {value!r})" if not isinstance(value, (dict, list)) else ""
    return f"{where}: {msg}{shown}"


def validate_model(model: type[BaseModel], data: object, *, source: str):
    """Validate parsed YAML against a schema; raises ParamsError listing every problem, with did-you-mean."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ParamsError(source, [_describe(e, model) for e in exc.errors()]) from None


def parse_engagement(data: object, *, source: str = "<params>") -> Engagement:
    """Validate a parsed params mapping; raises ParamsError listing every problem."""
    if not isinstance(data, dict):
        raise ParamsError(source, ["the file must hold a mapping of keys (client:, language:, customer:, …)"])
    return validate_model(Engagement, data, source=source)


def read_params_yaml(path: str | Path, *, yaml: YAML | None = None):
    """The params file as a round-trip YAML mapping (comments kept), for reading or editing.
    yaml: the reader to use (`params_io.round_trip_yaml()` when the document is written back)."""
    path = Path(path)
    if not path.exists():
        raise ParamsError(path, [f"no such file; create it with `make new CLIENT={path.stem}`"])
    try:
        return (yaml or YAML(typ="rt")).load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise ParamsError(path, [f"not valid YAML: {exc}"]) from None


def plain(node):
    """Round-trip YAML containers to plain dicts and lists (pydantic wants plain types)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def load_engagement(path: str | Path) -> Engagement:
    """Load and validate `params/<client>.yaml`."""
    return parse_engagement(plain(read_params_yaml(path)), source=str(path))
