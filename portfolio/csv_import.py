"""CSV import of projects: parse, validate every row, then apply through the services, all or nothing.

The header names the columns (any order, case-insensitive; ``name`` is required, the others optional)::

    name,summary,status,owner,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,
    feasibility,success_probability,requires,reuses,target_date,staffing

Rules (also shown on the upload page):

- A row creates the project of that name in the portfolio, or updates it when the name exists. For a new
  project an empty cell takes the default (status idea, staffing 2, no target date, ...); the impact range
  is required. For an existing project an empty cell leaves the field as it is.
- ``feasibility`` empty: the effort columns are the PM's provisional range. ``easy``/``hard``/``impossible``:
  an assessment with that tag, the effort range (empty: the current assessment's) and the optional
  ``success_probability`` override (0..1) is recorded, unless it equals the current assessment.
- ``requires`` / ``reuses``: ``;``-separated producer names (existing projects or rows of this file), each
  optionally ``:fraction`` of the consumer's effort saved (0..0.9, default 0.2). A non-empty cell sets the
  row's incoming links of that kind (requires / benefits) to exactly the listed ones; ``-`` removes them
  all; an empty cell leaves them as they are. A link that would close a cycle is refused.
- Every error is collected with its row (the header is row 1) and column; if there is any, nothing is saved.
- A file of the portfolio export (``roadmap.export``) re-imports unchanged: its figure columns are skipped, and the
  ``'`` it puts before a text starting with ``= + - @ '`` (so a spreadsheet does not run it) is taken off again.
- At most ``settings.IMPORT_MAX_ROWS`` rows: a bigger file is refused before anything is written.
"""

import copy
import csv
import datetime
import io
import math
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from . import services
from .models import FeasibilityAssessment, LinkKind, Portfolio, Project, ReuseLink, Status, Tag, normalize_project_name

COLUMNS = tuple(
    "name summary status owner impact_low impact_likely impact_high effort_low effort_likely effort_high "
    "feasibility success_probability requires reuses target_date staffing".split()
)
# The columns the portfolio export writes after these: figures computed from the inputs. An import skips them, so
# an exported file re-imports unchanged (roadmap.export takes this list from here).
EXPORT_FIGURE_COLUMNS = tuple(
    "effort_source success_probability_used rank expected_roi roi_p10 roi_p50 roi_p90 p_top_k expected_value "
    "expected_effort needs_feasibility excluded_reason".split()
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection). The export writes such a text
# (or with "'") with a leading "'", and the import takes exactly that "'" off again (see unneutralize).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_FRACTION = 0.2
# The columns as the upload page documents them: (columns, what they hold, empty for a new project, empty for
# an existing one).
COLUMN_DOCS = (
    ("name", "Project name; an existing project of this portfolio with exactly this name is updated.", "required", "–"),
    ("summary", "What the project is (up to 4,000 characters).", "blank", "unchanged"),
    ("status", "idea, discovery, building, shipped, iterating or parked.", "idea", "unchanged"),
    ("owner", "Who owns it.", "blank", "unchanged"),
    (
        "impact_low, impact_likely, impact_high",
        "Impact range in value units per year; low ≤ likely ≤ high; all three or none.",
        "required",
        "unchanged",
    ),
    (
        "effort_low, effort_likely, effort_high",
        "Effort range in person-weeks (at least 0.1): the assessment's when feasibility is given, else the PM's "
        "provisional range.",
        "none",
        "unchanged (with a tag: the current assessment's)",
    ),
    (
        "feasibility",
        "easy, hard or impossible: records an assessment (unless it equals the current one).",
        "not assessed",
        "unchanged",
    ),
    (
        "success_probability",
        "Overrides the tag's success probability, 0 to 1; needs feasibility.",
        "tag default",
        "tag default",
    ),
    (
        "requires",
        "Producers this project requires, e.g. “A; B:0.3”: names, each optionally with :fraction of effort saved "
        "(0 to 0.9, default 0.2). Sets exactly the listed links of this kind; “-” removes them all.",
        "no links",
        "links kept",
    ),
    ("reuses", "Producers it benefits from, in the same format (links of kind “benefits”).", "no links", "links kept"),
    ("target_date", "Target date, YYYY-MM-DD.", "none", "unchanged"),
    ("staffing", "People building it, a whole number from 1.", "2", "unchanged"),
    (
        ", ".join(EXPORT_FIGURE_COLUMNS),
        "Figures the portfolio's CSV export adds after the columns above: skipped, so an export re-imports.",
        "skipped",
        "skipped",
    ),
)
LINK_COLUMNS = {"requires": LinkKind.REQUIRES, "reuses": LinkKind.BENEFITS}
CLEAR_LINKS = "-"
PARTS = ("low", "likely", "high")
# Model field -> CSV column, for messages raised by the models' own validation.
PROJECT_COLUMN = {f"provisional_effort_{p}": f"effort_{p}" for p in PARTS}
ASSESSMENT_COLUMN = {"tag": "feasibility", "success_probability_override": "success_probability"}
ASSESSMENT_FIELDS = ("tag", "success_probability_override", "effort_low", "effort_likely", "effort_high")
TEXT_COLUMNS = ("name", "summary", "owner")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass(frozen=True)
class CellError:
    """What is wrong where: ``row`` 1 is the header, None the file as a whole; ``column`` may be empty."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"file: {self.message}"
        return (
            f"row {self.row}, column {self.column}: {self.message}"
            if self.column
            else f"row {self.row}: {self.message}"
        )


class ImportErrors(Exception):
    """The file was refused; ``errors`` lists every problem found, by row then column (nothing was saved)."""

    def __init__(self, errors: list[CellError]):
        order = {column: i for i, column in enumerate(COLUMNS)}
        self.errors = sorted(set(errors), key=lambda e: (e.row, order.get(e.column, -1), e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class ImportResult:
    """What an import did: projects created / updated / left unchanged, assessments recorded, links."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    assessed: int = 0
    links_set: int = 0
    links_removed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} projects created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.assessed} assessments recorded; {self.links_set} reuse links created or changed, "
            f"{self.links_removed} removed."
        )


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


def import_csv(*, portfolio: Portfolio, data: bytes, user=None) -> ImportResult:
    """Create or update the portfolio's projects from CSV ``data``; raise ImportErrors and save nothing
    when any row is wrong."""
    _, rows = _read(_decode(data))
    with transaction.atomic():
        # Hold the portfolio (on PostgreSQL) so no other import or link edit lands between checking and writing.
        Portfolio.objects.select_for_update().filter(pk=portfolio.pk).first()
        return _import_rows(portfolio, rows, user)


def _import_rows(portfolio: Portfolio, rows: list[tuple[int, dict[str, str]]], user) -> ImportResult:
    existing = {p.name: p for p in Project.objects.filter(portfolio=portfolio).prefetch_related("assessments")}
    errors: list[CellError] = []
    plans = [plan for row, cells in rows if (plan := _plan_row(row, cells, existing, errors, portfolio))]
    _check_duplicates(plans, errors)
    link_ops = _plan_links(portfolio, plans, existing, errors)
    if errors:
        raise ImportErrors(errors)
    return _apply(portfolio, plans, existing, link_ops, user)


# Reading the file ------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        _refuse(0, f"The file is {len(data):,} bytes; the limit is {limit:,} bytes.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _refuse(line, "The file is not UTF-8 text (is it an Excel file?); save it as “CSV UTF-8”.")
    if not text.strip():
        _refuse(0, "The file is empty; it needs a header row and a row per project.")
    if "\x00" in text:
        _refuse(0, "The file contains NUL bytes: it is not a CSV text file.")
    return text


def _read(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each non-blank row as {column: stripped cell}; row numbers count the header as 1.

    Records are looked at one by one and blank ones dropped at once, so a file of empty lines costs no memory."""
    first_line = text.lstrip("\r\n").partition("\n")[0]
    if "," not in first_line:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in first_line:
                _refuse(1, f"The columns are separated by {name}, not commas; save the file as comma-separated CSV.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    counted, limit, number = 0, settings.IMPORT_MAX_ROWS, 0
    try:
        for number, record in enumerate(reader, start=1):
            if not any(c.strip() for c in record):
                continue  # blank lines: before the header, between rows, at the end
            if header is None:
                header = [c.strip().lower() for c in record]
                _check_header(number, header)
                continue
            counted += 1
            if counted > limit:
                continue  # counted for the message below, not kept
            unnamed = [cell for col, cell in zip(header, record, strict=False) if not col] + record[len(header) :]
            if any(c.strip() for c in unnamed):
                _refuse(
                    number,
                    f"This row has {len(record)} cells but the header has {len(header)} columns "
                    "(a comma inside a cell needs quotes).",
                )
            # Only the import's columns: the export's figure columns are skipped.
            cells = {col: cell.strip() for col, cell in zip(header, record, strict=False) if col in COLUMNS}
            rows.append((number, cells))
    except csv.Error as exc:
        _refuse(number + 1, f"The CSV cannot be read here: {exc}.")
    if header is None:
        _refuse(0, "The file is empty; it needs a header row and a row per project.")
    if not rows:
        _refuse(0, "The file has a header but no project rows.")
    if counted > limit:
        # Each row is written through the services inside one transaction holding the portfolio's lock: refuse
        # what one request cannot apply before anything is written.
        _refuse(
            0, f"The file has {counted:,} rows; at most {limit:,} can be imported at once. Split it into several files."
        )
    return header, rows


def unneutralize(cell: str) -> str:
    """The text as it was before the export guarded it (the inverse of ``roadmap.export.neutralize``): one leading
    "'" before a formula prefix (= + - @ tab CR) or before another "'" is taken off; any other "'" is text."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_PREFIXES, "'")):
        return cell[1:]
    return cell


def _refuse(row: int, message: str) -> NoReturn:
    """Stop reading: the file as a whole (row 0) or one row of it cannot be read."""
    raise ImportErrors([CellError(row, "", message)])


def _check_header(row: int, header: list[str]) -> None:
    errors = []
    # Unnamed columns are fine while their cells are empty; the export's figure columns are skipped.
    unknown = [c for c in header if c and c not in COLUMNS and c not in EXPORT_FIGURE_COLUMNS]
    if unknown:
        names = ", ".join(f"“{c[:40]}”" for c in unknown[:10])
        if len(unknown) > 10:  # a header of 25,000 made-up names gets a message, not a 175 KB page
            names += f" and {len(unknown) - 10:,} more"
        errors.append(CellError(row, "", f"Unknown columns: {names}. Known columns: {', '.join(COLUMNS)}."))
    counts = Counter(c for c in header if c in COLUMNS or c in EXPORT_FIGURE_COLUMNS)  # linear, however wide
    errors += [CellError(row, c, "This column appears more than once.") for c in sorted(counts) if counts[c] > 1]
    if "name" not in header:
        errors.append(CellError(row, "name", "The header needs a “name” column."))
    if errors:
        raise ImportErrors(errors)


# Validating rows -------------------------------------------------------------------------------------------


class _Cells:
    """Typed access to one row's cells, collecting an error per bad cell."""

    def __init__(self, row: int, cells: dict[str, str], errors: list[CellError]):
        self.row, self.cells, self.errors, self.bad = row, cells, errors, set()

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
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            self.error(column, f"“{raw}” is not a whole number of people (1 or more).")
            return None
        return int(raw)

    def model_errors(self, exc: ValidationError, columns: dict[str, str]) -> None:
        """Report a model's validation messages against the CSV columns (skipping cells already reported)."""
        for model_field, messages in exc.message_dict.items():
            column = columns.get(model_field, model_field)
            column = "name" if column == NON_FIELD_ERRORS else column
            if column not in self.bad:
                for message in messages:
                    self.error(column, message)


def _plan_row(row, cells, existing, errors, portfolio) -> _RowPlan | None:
    c = _Cells(row, cells, errors)
    name = normalize_project_name(c.text("name"))  # as the project stores it: "Cafe\u0301" names "Café"
    if not name:
        c.error("name", "Every row needs a project name.")
        return None
    project = existing.get(name)
    plan = _RowPlan(row=row, name=name, existing=project)
    for column in TEXT_COLUMNS:
        limit = Project._meta.get_field(column).max_length
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
        plan.assessment = _plan_assessment(c, project, tag, probability, effort)
    else:
        if c.text("success_probability"):
            c.error("success_probability", "A success probability belongs to an assessment: give feasibility too.")
        if effort is not None:
            plan.fields.update(zip((f"provisional_effort_{p}" for p in PARTS), effort, strict=True))
    _validate_project(c, plan, portfolio)
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


def _plan_assessment(c: _Cells, project: Project | None, tag, probability, effort) -> dict | None:
    if effort is None:
        current = _current_assessment(project)
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
    return fields


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
                ReuseLink._meta.get_field("fraction").run_validators(fraction)
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


# Reuse links -----------------------------------------------------------------------------------------------

# Who reuses whose output, by project name: producer -> its consumers (a dict keeps them in insertion order).
_Graph = dict[str, dict[str, None]]


@dataclass
class _LinkOps:
    delete: list[ReuseLink] = field(default_factory=list)
    update: list[tuple[ReuseLink, str, float]] = field(default_factory=list)
    create: list[tuple[str, str, str, float]] = field(default_factory=list)  # producer, consumer, kind, fraction


def _plan_links(portfolio, plans, existing, errors) -> _LinkOps:
    """Work out the link changes the rows ask for and refuse unknown producers, self links and cycles.

    The portfolio's links are read once and kept as a graph for the whole file."""
    ops = _LinkOps()
    known = set(existing) | {p.name for p in plans}
    following: _Graph = {}
    incoming: dict[str, dict[str, ReuseLink]] = {}  # consumer -> producer -> link
    for link in ReuseLink.objects.filter(producer__portfolio=portfolio).select_related("producer", "consumer"):
        following.setdefault(link.producer.name, {})[link.consumer.name] = None
        incoming.setdefault(link.consumer.name, {})[link.producer.name] = link
    new_edges: list[tuple[int, str, str, str]] = []  # row, column, producer, consumer
    for plan in plans:
        current = incoming.get(plan.name, {})
        listed = _listed_producers(plan, known, errors)
        for kind in plan.links:
            for producer, link in current.items():
                if link.kind == kind and producer not in listed:
                    ops.delete.append(link)
                    following[producer].pop(plan.name, None)
        for producer, spec in listed.items():
            link = current.get(producer)
            if link is None:
                ops.create.append((producer, plan.name, spec.kind, spec.fraction))
                new_edges.append((plan.row, spec.column, producer, plan.name))
            elif (link.kind, link.fraction) != (spec.kind, spec.fraction):
                ops.update.append((link, spec.kind, spec.fraction))
    _refuse_cycles(following, new_edges, errors)
    return ops


def _listed_producers(plan: _RowPlan, known: set[str], errors: list[CellError]) -> dict[str, _LinkSpec]:
    """The producers the row's link cells name, each once, refusing unknown names and the project itself."""
    listed: dict[str, _LinkSpec] = {}
    for spec in (s for specs in plan.links.values() for s in specs):
        if spec.producer not in known:
            errors.append(
                CellError(
                    plan.row,
                    spec.column,
                    f"Unknown producer “{spec.producer}”: no project or row of this file has that name.",
                )
            )
        elif spec.producer == plan.name:
            errors.append(CellError(plan.row, spec.column, "A project cannot reuse its own output."))
        elif spec.producer in listed:
            errors.append(CellError(plan.row, spec.column, f"“{spec.producer}” is listed more than once."))
        else:
            listed[spec.producer] = spec
    return listed


def _refuse_cycles(following: _Graph, new_edges: list[tuple[int, str, str, str]], errors: list[CellError]) -> None:
    """Add the new links to the graph in row order, refusing each one that would close a cycle (with its path).

    Most files close none, and one topological sort of the graph with every new link shows that in linear time.
    Only when it finds a cycle are the links added one at a time, each searched for a path back, so that the
    links refused (and the paths named) are the ones that close a cycle in row order."""
    everything = {producer: dict(consumers) for producer, consumers in following.items()}
    for _, _, producer, consumer in new_edges:
        everything.setdefault(producer, {})[consumer] = None
    if _is_acyclic(everything):
        return
    for row, column, producer, consumer in new_edges:
        path = _path(following, consumer, producer)
        if path:
            names = " → ".join([producer, *path])
            errors.append(CellError(row, column, f"This link would close a cycle: {names}."))
        else:
            following.setdefault(producer, {})[consumer] = None


def _is_acyclic(following: _Graph) -> bool:
    """Whether the links close no cycle (Kahn's topological sort: every project can be taken once each of its
    producers has been)."""
    waiting = dict.fromkeys(following, 0)  # project -> producers not yet taken
    for consumers in following.values():
        for consumer in consumers:
            waiting[consumer] = waiting.get(consumer, 0) + 1
    ready = [name for name, count in waiting.items() if count == 0]
    taken = 0
    while ready:
        taken += 1
        for consumer in following.get(ready.pop(), {}):
            waiting[consumer] -= 1
            if waiting[consumer] == 0:
                ready.append(consumer)
    return taken == len(waiting)


def _path(following: _Graph, start: str, goal: str) -> list[str] | None:
    """Projects from ``start`` to ``goal`` along the links, or None when ``goal`` cannot be reached."""
    came_from: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])
            return path[::-1]
        for consumer in following.get(node, {}):
            if consumer not in came_from:
                came_from[consumer] = node
                queue.append(consumer)
    return None


# Applying --------------------------------------------------------------------------------------------------


def _apply(
    portfolio: Portfolio, plans: list[_RowPlan], existing: dict[str, Project], ops: _LinkOps, user
) -> ImportResult:
    """Write the validated rows through the services (history, input versions), then the link changes."""
    counts = dict.fromkeys(("created", "updated", "unchanged", "assessed", "links_set", "links_removed"), 0)
    projects: dict[str, Project] = {}
    for plan in plans:
        try:
            projects[plan.name] = _apply_row(portfolio, plan, user, counts)
        except ValidationError as exc:  # a concurrent edit made the row invalid after validation
            raise ImportErrors([CellError(plan.row, "", m) for m in exc.messages]) from None
    for link in ops.delete:
        services.link_delete(link=link, user=user)
        counts["links_removed"] += 1
    for link, kind, fraction in ops.update:
        services.link_update(link=link, data={"kind": kind, "fraction": fraction}, user=user)
        counts["links_set"] += 1
    counts["links_set"] += _links_create(portfolio, plans, ops, {**existing, **projects}, user)
    return ImportResult(**counts)


def _links_create(
    portfolio: Portfolio, plans: list[_RowPlan], ops: _LinkOps, projects: dict[str, Project], user
) -> int:
    """Validate the new links (a message on the consumer's row if one no longer holds) and add them through
    ``services.links_create_validated``: one cycle search for all of them, not one per link."""
    rows = {p.name: p.row for p in plans}
    links = []
    for producer, consumer, kind, fraction in ops.create:
        link = ReuseLink(producer=projects[producer], consumer=projects[consumer], kind=kind, fraction=fraction)
        try:
            # Fields and clean(); the constraints (one link per pair, not to itself, fraction 0..0.9) were checked by
            # _plan_links and _link_specs, and the database still enforces them: not three queries per link again.
            link.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:  # a concurrent edit made the link invalid after validation
            column = next(c for c, k in LINK_COLUMNS.items() if k == kind)
            raise ImportErrors([CellError(rows[consumer], column, m) for m in exc.messages]) from None
        links.append(link)
    try:
        return len(services.links_create_validated(portfolio=portfolio, links=links, user=user))
    except services.CycleError as exc:  # a link saved meanwhile closes a cycle with this file's links
        raise ImportErrors([CellError(0, "", f"These links would close a cycle: {' → '.join(exc.path)}.")]) from None


def _apply_row(portfolio: Portfolio, plan: _RowPlan, user, counts: dict[str, int]) -> Project:
    if plan.existing is None:
        project = services.project_create(portfolio=portfolio, user=user, name=plan.name, **plan.fields)
        counts["created"] += 1
    else:
        changed = {f: v for f, v in plan.fields.items() if getattr(plan.existing, f) != v}
        project = services.project_update(project=plan.existing, data=changed, user=user) if changed else plan.existing
        counts["updated" if changed else "unchanged"] += 1
    if plan.assessment is not None:
        current = _current_assessment(plan.existing)
        if current is None or any(getattr(current, f) != v for f, v in plan.assessment.items()):
            services.assessment_record(project=project, user=user, **plan.assessment)
            counts["assessed"] += 1
    return project
