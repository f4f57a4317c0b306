"""The rows of the ranking under the ROI chart, and a row's funding badges, written in Python.

The chart page lists 50 ranked and 50 unranked rows (every one with ``?all=1``); through the template engine a
ranked row cost about 0.2 ms of CPU (some 25 variables, filters and tags, and an include for its badges), a quarter
of the page. Built here, as ``charts/roi_svg.py`` builds the chart's bubbles, a row costs a small fraction of that.
The markup is the template's, character for character. Every text is escaped with ``escape`` (names, tags, reasons,
the value unit, the robustness class); the figures are written by ``portfolio.formatting``, as the pages' filters
write them (digits, separators, signs, "%" and "–" only), and the marks by the ``planner`` tags (``tie_mark``,
``rank_move``, ``expected_roi``: escaped there), so the joined row is safe.
"""

from html import escape  # Django's escape is this behind a check for lazy text, which costs more than the escaping

from django import template
from django.utils.safestring import SafeString, mark_safe

from portfolio.formatting import number, percent
from portfolio.links import id_url
from portfolio.templatetags.planner import expected_roi, rank_move, tie_mark

register = template.Library()

PROJECT_PAGE = "portfolio:project"
FUNDED_CLASS = {True: ' class="funded"', False: ' class="not-funded"'}  # ``funded`` is None before funding existed
FUNDED = '<span class="badge funded-badge">funded</span>'
NOT_FUNDED = '<span class="badge unfunded-badge">not funded</span>'
NEEDS_FEASIBILITY = '<span class="needs-feasibility">needs feasibility</span>'
NOT_ASSESSED = '<span class="tag tag-none">not assessed</span>'
ROBUSTNESS = (
    ' <span class="badge robustness robustness-{0}" title="P(funded if known) = {1}: the share of trials in which it'
    " would be funded if that trial's outcomes were known\">{0} {1}</span>"
)
REASON = '<div class="muted small funding-reason">{}</div>'
RANKED_ROW = (
    "<tr{funded_class}{data_project}>\n"
    '        <td class="num">{tie}{rank}{move}</td>\n'
    "        <td>{project}</td>\n"
    "        <td>{tag}</td>\n"
    '        <td class="num">{roi}</td>\n'
    '        <td class="num">{p_loss}</td>\n'
    '        <td class="num">{p_top_k}</td>\n'
    '        <td class="num">{value} {unit}</td>\n'
    '        <td class="num">{effort} pw</td>\n'
    '        <td class="num">{success}</td>\n'
    "        <td>{needs_feasibility}</td>\n"
    "        <td>{badges}\n</td>\n"  # the line break the badges' include used to end with
    "      </tr>"
)
EXCLUDED_ROW = '<tr class="excluded">\n        <td>{}</td>\n        <td>{}</td>\n        <td>{}</td>\n      </tr>'


@register.simple_tag
def funding_badges(row) -> SafeString:
    """``{% funding_badges row %}``: funded or not, how robust that is (P(funded if known)) and, when not funded, why;
    nothing before funding existed (``row.funded`` is None). ``row`` is a ranking row (``ProjectScore``)."""
    if row.funded is None:
        return mark_safe("")
    robustness = row.robustness
    badge = ROBUSTNESS.format(escape(robustness), percent(row.p_funded_if_known)) if robustness else ""
    reason = "" if row.funded else REASON.format(escape(row.funding_reason))
    return mark_safe((FUNDED if row.funded else NOT_FUNDED) + badge + reason)  # constants and escaped pieces


def _feasibility_tag(row) -> str:
    """The row's feasibility tag as a chip ("not assessed" without one), escaped."""
    return f'<span class="tag tag-{escape(row.tag)}">{escape(row.tag)}</span>' if row.tag else NOT_ASSESSED


def _project_link(row, slug: str, *, deleted_note: bool) -> str:
    """The project's name linking to its page, escaped; a project deleted since the snapshot keeps the row's name,
    unlinked (followed by "(deleted)" when ``deleted_note``)."""
    name = escape(row.name)
    if row.project_id:
        return f'<a href="{escape(id_url(PROJECT_PAGE, slug, row.project_id))}">{name}</a>'
    return f'{name} <span class="muted">(deleted)</span>' if deleted_note else name


@register.simple_tag
def ranked_row(row, slug: str, snapshot) -> SafeString:
    """``{% ranked_row row portfolio.slug snapshot %}``: a ranked row of the table under the chart (``<tr>``): its
    rank with the tie mark and the move since the latest baseline (``row.rank_move``, when set), its figures in the
    snapshot's value unit, and its funding badges."""
    move = getattr(row, "rank_move", "")
    return mark_safe(  # constants, escaped texts, figures written by portfolio.formatting and the planner tags
        RANKED_ROW.format(
            funded_class=FUNDED_CLASS.get(row.funded, ""),
            data_project=f' data-project="{int(row.project_id)}"' if row.project_id else "",
            tie=tie_mark(row.tied_with_above, row.rank),
            rank=int(row.rank),
            move=f" {rank_move(move)}" if move else "",
            project=_project_link(row, slug, deleted_note=True),
            tag=_feasibility_tag(row),
            roi=expected_roi(row, snapshot.trials),
            p_loss=percent(row.p_loss),
            p_top_k=percent(row.p_top_k),
            value=number(row.expected_value),
            unit=escape(snapshot.value_unit),
            effort=number(row.expected_effort),
            success=percent(row.success_probability),
            needs_feasibility=NEEDS_FEASIBILITY if row.needs_feasibility else "",
            badges=funding_badges(row),
        )
    )


@register.simple_tag
def excluded_row(row, slug: str) -> SafeString:
    """``{% excluded_row row portfolio.slug %}``: a row of the "Not ranked" table (``<tr>``): the project, its
    feasibility tag and why it is not ranked."""
    project = _project_link(row, slug, deleted_note=False)
    return mark_safe(EXCLUDED_ROW.format(project, _feasibility_tag(row), escape(row.excluded_reason)))  # all escaped
