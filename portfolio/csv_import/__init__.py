"""CSV import of projects: parse, validate every row, then apply through the services, all or nothing.

The header names the columns (any order, case-insensitive; ``name`` is required, the others optional)::

    name,summary,status,owner,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,
    feasibility,success_probability,requires,reuses,target_date,staffing,actual_effort,actual_start,
    actual_finish,succeeded,realized_impact,impact_estimated_by,effort_estimated_by

Rules (also shown on the upload page):

- A row creates the project of that name in the portfolio, or updates it when the name exists. For a new
  project an empty cell takes the default (status idea, staffing 2, no target date, ...); the impact range
  is required. For an existing project an empty cell leaves the field as it is.
- ``feasibility`` empty: the effort columns are the PM's provisional range. ``easy``/``hard``/``impossible``:
  an assessment with that tag, the effort range (empty: the current assessment's) and the optional
  ``success_probability`` override (0..1) is recorded, unless it equals the current assessment.
- Only EMs record assessments: for an importer who may not (a PM; ``planning.may_record_assessments``) the
  feasibility cells must equal the current assessment (an exported file re-imports) or be empty; any other is
  refused on its row and column. Superusers and the command line without ``--as`` act as the operator.
- The upload page previews first (``stored``: the file is kept server-side for its importer, ``preview`` says
  what would change, nothing is written); confirming applies it only if nothing it was checked against changed
  (``apply.PreviewStale``); an applied import can be undone while nothing newer touched its projects (``undo``).
- ``requires`` / ``reuses``: ``;``-separated producer names (existing projects or rows of this file), each
  optionally ``:fraction`` of the consumer's effort saved (0..0.9, default 0.2). A non-empty cell sets the
  row's incoming links of that kind (requires / benefits) to exactly the listed ones; ``-`` removes them
  all; an empty cell leaves them as they are. A link that would close a cycle is refused.
- Every error is collected with its row (the header is row 1) and column; if there is any, nothing is saved.
- A file of the portfolio export (``roadmap.export``) re-imports unchanged: its figure columns are skipped, and the
  ``'`` it puts before a text starting with ``= + - @ '`` (so a spreadsheet does not run it) is taken off again.
- The outcome columns record what happened to a shipped, iterated or parked project, and the estimator columns
  who estimated its ranges (``outcomes``): how a team loads its past projects.
- At most ``settings.IMPORT_MAX_ROWS`` rows: a bigger file is refused before anything is written.
"""

from .. import services
from .apply import AppliedImport, PreviewStale, import_apply, import_csv
from .columns import (
    ASSESSMENT_COLUMN,
    ASSESSMENT_FIELDS,
    CLEAR_LINKS,
    COLUMN_DOCS,
    COLUMNS,
    DEFAULT_FRACTION,
    EXPORT_FIGURE_COLUMNS,
    FORMULA_PREFIXES,
    ISO_DATE,
    LINK_COLUMNS,
    OTHER_DELIMITERS,
    PARTS,
    PROJECT_COLUMN,
    TEXT_COLUMNS,
    unneutralize,
)
from .planning import ImportPlan, may_record_assessments, plan_import, read_rows
from .preview import ImportPreview, preview_of
from .results import CellError, ImportErrors, ImportResult
from .stored import (
    PreviewGone,
    confirm_preview,
    pending_preview,
    preview_again,
    preview_upload,
    recent_imports,
    undo_import,
)
from .undo import UndoRefused

# The package's API, as the single module had it; ``services`` too, so a test can patch ``csv_import.services``.
__all__ = [
    "AppliedImport",
    "ImportPlan",
    "ImportPreview",
    "PreviewGone",
    "PreviewStale",
    "UndoRefused",
    "confirm_preview",
    "import_apply",
    "may_record_assessments",
    "pending_preview",
    "plan_import",
    "preview_again",
    "preview_of",
    "preview_upload",
    "read_rows",
    "recent_imports",
    "undo_import",
    "ASSESSMENT_COLUMN",
    "ASSESSMENT_FIELDS",
    "CLEAR_LINKS",
    "COLUMN_DOCS",
    "COLUMNS",
    "DEFAULT_FRACTION",
    "EXPORT_FIGURE_COLUMNS",
    "FORMULA_PREFIXES",
    "ISO_DATE",
    "LINK_COLUMNS",
    "OTHER_DELIMITERS",
    "PARTS",
    "PROJECT_COLUMN",
    "TEXT_COLUMNS",
    "CellError",
    "ImportErrors",
    "ImportResult",
    "import_csv",
    "services",
    "unneutralize",
]
