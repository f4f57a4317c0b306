"""The CSV's columns: names, the upload page's documentation, and the export's formula guard (unneutralize)."""

import re

from ..models import LinkKind

COLUMNS = tuple(
    "name summary status owner impact_low impact_likely impact_high effort_low effort_likely effort_high "
    "feasibility success_probability requires reuses target_date staffing actual_effort actual_start actual_finish "
    "succeeded realized_impact impact_estimated_by effort_estimated_by".split()
)
# The columns the portfolio export writes after these: figures computed from the inputs. An import skips them, so
# an exported file re-imports unchanged (roadmap.export takes this list from here).
EXPORT_FIGURE_COLUMNS = tuple(
    "effort_source success_probability_used rank expected_roi roi_se roi_p10 roi_p50 roi_p90 p_loss p_top_k "
    "expected_value expected_effort needs_feasibility excluded_reason".split()
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
        "actual_effort, actual_start, actual_finish",
        "What the project took: person-weeks (0 or more), and the days work began and ended (YYYY-MM-DD, not in the "
        "future, the finish not before the start). Needs status shipped, iterating or parked.",
        "none",
        "unchanged",
    ),
    (
        "succeeded",
        "Did it reach the performance it needed: yes/no, true/false, 1/0, or unknown.",
        "unknown",
        "unchanged",
    ),
    ("realized_impact", "Value per year measured after launch (0 or more).", "none", "unchanged"),
    (
        "impact_estimated_by, effort_estimated_by",
        "Who estimated the impact range and the effort range: a username links to that user, any other text is kept "
        "as given. A range the row sets with this empty is credited to “imported”.",
        "imported",
        "unchanged",
    ),
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
TEXT_COLUMNS = ("name", "summary", "owner", "impact_estimated_by", "effort_estimated_by")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def unneutralize(cell: str) -> str:
    """The text as it was before the export guarded it (the inverse of ``roadmap.export.neutralize``): one leading
    "'" before a formula prefix (= + - @ tab CR) or before another "'" is taken off; any other "'" is text."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_PREFIXES, "'")):
        return cell[1:]
    return cell
