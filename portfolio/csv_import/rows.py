"""Validating rows: typed cells, each row's plan (project fields, assessment, link cells), duplicate names."""

import copy
import datetime
import math
import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .. import model_fields
from ..models import FeasibilityAssessment, Portfolio, Project, ReuseLink, Status, Tag, normalize_project_name
from ..parsing import whole_number
from .columns import (
    ASSESSMENT_COLUMN,
    ASSESSMENT_FIELDS,
    CLEAR_LINKS,
    COLUMNS,
    DEFAULT_FRACTION,
    ISO_DATE,
    LINK_COLUMNS,
    PARTS,
    PROJECT_COLUMN,
    TEXT_COLUMNS,
    unneutralize,
)
from .outcomes import plan_estimators, plan_outcome
from .results import CellError

# Only EMs record assessments (the README's roles): an import by anyone else (a PM) may carry an assessment's cells
# only as they are now, as in an exported file re-imported after editing other columns.
ROLE_RULE = "Only an engineering manager of this portfolio records feasibility assessments"
NONE_YET_HINT = "leave feasibility and success_probability empty (the effort columns are then your provisional range)."


@dataclass
class _LinkSpec:
    producer: str
    kind: str
    fraction: float
    column: str


@dataclass
class _RowPlan:
    row: int
    name: str
    existing: Project | None
    fields: dict = field(default_factory=dict)  # project fields the row sets
    assessment: dict | None = None  # FeasibilityAssessment fields, when the row records one
    links: dict[str, list[_LinkSpec]] = field(default_factory=dict)  # kind -> specs, for kinds the row sets
    outcome: dict | None = None  # ProjectOutcome fields the row sets (csv_import.outcomes)
    estimators: dict[str, str] = field(default_factory=dict)  # estimate kind -> label the row gives

    def changed_fields(self) -> dict:
        """The project fields the row changes: all it sets for a new project, those that differ for one that exists."""
        if self.existing is None:
            return dict(self.fields)
        return {f: v for f, v in self.fields.items() if getattr(self.existing, f) != v}


class _Cells:
    """Typed access to one row's cells, collecting an error per bad cell."""

    def __init__(self, row: int, cells: dict[str, str], errors: list[CellError]):
        self.row, self.cells, self.errors = row, cells, errors
        self.bad: set[str] = set()

    def error(self, column: str, message: str) -> None:
        self.bad.add(column)
        self.errors.append(CellError(self.row, column, message))

    def text(self, column: str) -> str:
        """The cell as written; a name, summary or owner without the "'" the export put before a formula prefix."""
        cell = self.cells.get(column, "")
        return unneutralize(cell) if column in TEXT_COLUMNS else cell

    def number(self, column: str) -> float | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.error(column, f"“{raw}” is not a number (use a dot for decimals and no thousands separators).")
            return None
        if not math.isfinite(value):
            self.error(column, f"“{raw}” is not a finite number.")
            return None
        return value

    def range(self, prefix: str) -> tuple[float | None, ...] | None:
        """The (low, likely, high) columns: None when all empty, an error when only some are given."""
        columns = [f"{prefix}_{p}" for p in PARTS]
        given = [c for c in columns if self.text(c)]
        values = tuple(self.number(c) for c in columns)
        if not given:
            return None
        if len(given) < 3:
            missing = [c for c in columns if c not in given]
            self.error(missing[0], f"Give all three of {', '.join(columns)}, or leave all three empty.")
            self.bad.update(missing)
        return values

    def choice(self, column: str, choices: type[Status] | type[Tag]) -> str | None:
        raw = self.text(column).lower()
        if not raw:
            return None
        if raw not in choices.values:
            self.error(column, f"Unknown {column} “{self.text(column)}”; use one of {', '.join(choices.values)}.")
            return None
        return raw

    def date(self, column: str) -> datetime.date | None:
        raw = self.text(column)
        if not raw:
            return None
        try:
            if not ISO_DATE.match(raw):
                raise ValueError
            return datetime.date.fromisoformat(raw)
        except ValueError:
            self.error(column, f"“{raw}” is not a date; write it as YYYY-MM-DD.")
            return None

    def positive_int(self, column: str) -> int | None:
        raw = self.text(column)
        if not raw:
            return None
        number = whole_number(raw, least=1)
        if number is None:
            self.error(column, f"“{raw[:40]}” is not a whole number of people (1 or more).")
        return number

    def model_errors(self, exc: ValidationError, columns: dict[str, str]) -> None:
        """Report a model's validation messages against the CSV columns (skipping cells already reported)."""
        for model_field, messages in exc.message_dict.items():
            column = columns.get(model_field, model_field)
            column = "name" if column == NON_FIELD_ERRORS else column
            if column not in self.bad:
                for message in messages:
                    self.error(column, message)


def _plan_row(row, cells, existing, errors, portfolio, *, may_assess: bool) -> _RowPlan | None:
    c = _Cells(row, cells, errors)
    name = normalize_project_name(c.text("name"))  # as the project stores it: "Cafe\u0301" names "Café"
    if not name:
        c.error("name", "Every row needs a project name.")
        return None
    project = existing.get(name)
    plan = _RowPlan(row=row, name=name, existing=project)
    for column in ("name", "summary", "owner"):
        limit = _max_length(column)
        if len(c.text(column)) > limit:
            c.error(column, f"At most {limit:,} characters (this has {len(c.text(column)):,}).")
        elif c.text(column) and column != "name":
            plan.fields[column] = c.text(column)
    for column, value in (
        ("status", c.choice("status", Status)),
        ("target_date", c.date("target_date")),
        ("staffing", c.positive_int("staffing")),
    ):
        if value is not None:
            plan.fields[column] = value
    impact = c.range("impact")
    if impact is not None:
        plan.fields.update(zip((f"impact_{p}" for p in PARTS), impact, strict=True))
    elif project is None:
        c.error("impact_low", "A new project needs its impact range: impact_low, impact_likely and impact_high.")
        c.bad.update(f"impact_{p}" for p in PARTS)
    effort = c.range("effort")
    tag = c.choice("feasibility", Tag)
    probability = c.number("success_probability")
    if c.text("feasibility"):
        plan.assessment = _plan_assessment(c, project, tag, probability, effort, may_assess=may_assess)
    else:
        if c.text("success_probability"):
            c.error("success_probability", "A success probability belongs to an assessment: give feasibility too.")
        if effort is not None:
            plan.fields.update(zip((f"provisional_effort_{p}" for p in PARTS), effort, strict=True))
    _validate_project(c, plan, portfolio)
    status = plan.fields.get("status", project.status if project is not None else Status.IDEA)
    plan.outcome = plan_outcome(c, project, status)
    plan.estimators = plan_estimators(c)
    plan.links = {
        kind: specs for column, kind in LINK_COLUMNS.items() if (specs := _link_specs(c, column, kind)) is not None
    }
    return plan


def _validate_project(c: _Cells, plan: _RowPlan, portfolio: Portfolio) -> None:
    """Run the model's own validation on the project as the row would leave it."""
    project = copy.copy(plan.existing) if plan.existing else Project(portfolio=portfolio, name=plan.name)
    for name, value in plan.fields.items():
        setattr(project, name, value)
    columns = {f"impact_{p}" for p in PARTS} | set(PROJECT_COLUMN) | set(COLUMNS)
    skip = [f for f in columns if PROJECT_COLUMN.get(f, f) in c.bad] + ["portfolio"]
    try:
        # Field validators and clean() (ranges in order); the services check the database constraints on save.
        project.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        c.model_errors(exc, PROJECT_COLUMN)


def _max_length(column: str) -> int:
    """The most characters a text column of Project holds."""
    limit = model_fields.column(Project, column).max_length
    if limit is None:
        raise ValueError(f"Project.{column} has no length limit")
    return limit


def _plan_assessment(c: _Cells, project: Project | None, tag, probability, effort, *, may_assess: bool) -> dict | None:
    """The assessment the row records; None when its cells equal the current assessment (nothing to record,
    whoever imports the file) or are refused (reported on their cells)."""
    current = _current_assessment(project)
    if not may_assess and current is None:
        c.error("feasibility", f"{ROLE_RULE}, and this project has none yet: {NONE_YET_HINT}")
        if c.text("success_probability"):
            c.error("success_probability", f"{ROLE_RULE}: a success probability belongs to one; leave it empty.")
        return None
    if effort is None:
        if current is None:
            c.error("effort_low", "An assessment needs an effort range: effort_low, effort_likely and effort_high.")
            return None
        effort = (current.effort_low, current.effort_likely, current.effort_high)
    fields = dict(zip(ASSESSMENT_FIELDS, (tag, probability, *effort), strict=True))
    assessment = FeasibilityAssessment(impact_low_seen=0, impact_likely_seen=0, impact_high_seen=0, **fields)
    skip = [f for f in ASSESSMENT_FIELDS if ASSESSMENT_COLUMN.get(f, f) in c.bad] + ["project"]
    try:
        assessment.full_clean(exclude=skip, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        c.model_errors(exc, ASSESSMENT_COLUMN)
    if current is not None and all(getattr(current, f) == v for f, v in fields.items()):
        return None
    if not may_assess:
        assert current is not None  # refused above when there is none
        _refuse_changes(c, current, fields)
        return None
    return fields


def _refuse_changes(c: _Cells, current: FeasibilityAssessment, fields: dict) -> None:
    """Name each cell of the row that would change the current assessment, with the value it holds now."""
    effort = "–".join(f"{getattr(current, f):g}" for f in ASSESSMENT_FIELDS[2:])
    now = {
        "tag": f"the current assessment says “{current.tag}”; write that, or leave feasibility empty",
        "success_probability_override": "the current assessment's success probability is "
        + (
            f"{current.success_probability_override:g}"
            if current.success_probability_override is not None
            else "the tag's default (an empty cell)"
        )
        + "; write that, or leave feasibility empty",
        **dict.fromkeys(
            ASSESSMENT_FIELDS[2:],
            f"the current assessment's effort range is {effort} person-weeks; write that, leave the effort columns "
            "empty, or leave feasibility empty to give your provisional range",
        ),
    }
    for name, value in fields.items():
        column = ASSESSMENT_COLUMN.get(name, name)
        if getattr(current, name) != value and column not in c.bad:
            c.error(column, f"{ROLE_RULE}: {now[name]}.")


def _current_assessment(project: Project | None) -> FeasibilityAssessment | None:
    if project is None:
        return None
    return next((a for a in project.assessments.all() if a.is_current), None)


def _link_specs(c: _Cells, column: str, kind: str) -> list[_LinkSpec] | None:
    """The producers a link cell lists (None: cell empty, leave the links of that kind as they are)."""
    raw = c.text(column)
    if not raw:
        return None
    if raw == CLEAR_LINKS:
        return []
    specs = []
    for item in filter(None, (part.strip() for part in raw.split(";"))):
        name, sep, fraction_text = item.rpartition(":")
        if not sep or _is_part_of_name(fraction_text):
            name, fraction_text = item, ""  # "Search: ranking v2" is a name with a colon, not a fraction
        # The export guards each name ("'-1 day delivery:0.2"); compared as names are stored.
        name = normalize_project_name(unneutralize(name.strip()))
        fraction = DEFAULT_FRACTION
        if fraction_text.strip():
            try:
                fraction = float(fraction_text)
                model_fields.column(ReuseLink, "fraction").run_validators(fraction)
            except ValueError:
                c.error(column, f"{name}: “{fraction_text.strip()}” is not a fraction (0 to 0.9).")
                continue
            except ValidationError as exc:
                c.error(column, f"{name}: the fraction of effort saved must be 0 to 0.9 ({exc.messages[0]})")
                continue
        specs.append(_LinkSpec(producer=name, kind=kind, fraction=fraction, column=column))
    return specs


def _is_part_of_name(text: str) -> bool:
    """Whether the text after a name's last ":" is words after a space ("Search: ranking v2"), so part of the
    name; anything else there ("A:x", "A:nan") is read as a mistyped fraction and reported as such."""
    return text[:1].isspace() and bool(re.search(r"[a-zA-Z]", text)) and text.strip().lower() not in ("nan", "inf")


def _check_duplicates(plans: list[_RowPlan], errors: list[CellError]) -> None:
    first_row: dict[str, int] = {}
    for plan in plans:
        if plan.name in first_row:
            errors.append(CellError(plan.row, "name", f"“{plan.name}” is also on row {first_row[plan.name]}."))
        else:
            first_row[plan.name] = plan.row
