"""The input changes between two input documents, in groups, and a document with only some groups applied.

Pure Python (no Django; words from ``history_words``). DESIGN.md, "Review baselines and explained changes": one
group per project whose own inputs changed (added and removed projects too), one per reuse link added, removed or
changed, one for the settings. ``apply_groups`` turns the baseline's document into "the baseline with only these
groups applied", which the attribution recomputes (``portfolio.attribution``).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from . import history_words, input_documents

SETTINGS = "settings"
PROJECT = "project"
LINK = "link"
POOLED = "other"
POOLED_DESCRIPTION = "Other changes (pooled: {count} groups evaluated together)"


@dataclass(frozen=True)
class ChangeGroup:
    """One group of input changes. ``key`` names it ("settings", "project:12", "link:3>7", "other");
    ``projects`` are the project ids it touches (a link: producer and consumer); ``history`` the project whose
    history tells who made the change and when (a link's consumer; none for the settings); ``members`` the
    groups a pooled group stands for."""

    key: str
    kind: str
    description: str
    projects: tuple[int, ...] = ()
    history: tuple[int, ...] = ()
    members: tuple["ChangeGroup", ...] = ()


def _link_key(link: dict) -> tuple[int, int]:
    return int(link["producer"]), int(link["consumer"])


def _names(*documents: dict) -> dict[int, str]:
    names: dict[int, str] = {}
    for document in documents:
        names.update({int(p["id"]): p["name"] for p in document["projects"]})
    return names


def _project_group(key: int, old: dict | None, new: dict | None, value_unit: str) -> ChangeGroup:
    either = new or old
    assert either is not None  # a group is made only for a project on one side at least
    name = either["name"]
    if old is None:
        assert new is not None
        words = f"added (impact {history_words.range_words(new['impact'])} "
        words += f"{history_words.value_unit_per_year(value_unit)}, status {new['status']})"
    elif new is None:
        words = "removed"
    else:
        words = "; ".join(history_words.project_entry_changes(old, new, value_unit=value_unit))
    return ChangeGroup(f"{PROJECT}:{key}", PROJECT, f"{name}: {words}", projects=(key,), history=(key,))


def _link_group(key: tuple[int, int], old: dict | None, new: dict | None, names: dict[int, str]) -> ChangeGroup:
    producer, consumer = key
    subject = f"Reuse link {names.get(producer, producer)} {history_words.ARROW} {names.get(consumer, consumer)}"
    if old is None:
        assert new is not None
        words = f"{subject} added ({history_words.link_words(new['kind'], new['fraction'])})"
    elif new is None:
        words = f"{subject} removed ({history_words.link_words(old['kind'], old['fraction'])})"
    else:
        before = history_words.link_words(old["kind"], old["fraction"])
        after = history_words.link_words(new["kind"], new["fraction"])
        words = f"{subject}: {before} {history_words.ARROW} {after}"
    return ChangeGroup(f"{LINK}:{producer}>{consumer}", LINK, words, projects=key, history=(consumer,))


def groups_between(base: dict, now: dict) -> list[ChangeGroup]:
    """Every group of changes from document ``base`` to document ``now``: the settings, then projects by id, then
    links by (producer, consumer). Empty when the inputs are the same."""
    groups = []
    if base["settings"] != now["settings"]:
        words = "; ".join(history_words.settings_changes(base["settings"], now["settings"]))
        groups.append(ChangeGroup(SETTINGS, SETTINGS, f"Settings: {words}"))
    value_unit = now["settings"]["value_unit"]
    old_projects = {int(p["id"]): p for p in base["projects"]}
    new_projects = {int(p["id"]): p for p in now["projects"]}
    for key in sorted(old_projects.keys() | new_projects.keys()):
        old, new = old_projects.get(key), new_projects.get(key)
        if old != new:
            groups.append(_project_group(key, old, new, value_unit))
    names = _names(base, now)
    old_links = {_link_key(lk): lk for lk in base["links"]}
    new_links = {_link_key(lk): lk for lk in now["links"]}
    for link_key in sorted(old_links.keys() | new_links.keys()):
        old, new = old_links.get(link_key), new_links.get(link_key)
        if old != new:
            groups.append(_link_group(link_key, old, new, names))
    return groups


def _flatten(groups: Iterable[ChangeGroup]) -> list[ChangeGroup]:
    flat = []
    for group in groups:
        flat.extend(_flatten(group.members) if group.kind == POOLED else [group])
    return flat


def apply_groups(base: dict, now: dict, groups: Iterable[ChangeGroup]) -> dict:
    """Document ``base`` with only ``groups`` (changes from ``base`` to ``now``) applied; a pooled group applies
    all its members. Projects stay sorted by id and links by (producer, consumer), as ``to_document`` writes them."""
    chosen = _flatten(groups)
    settings = now["settings"] if any(g.kind == SETTINGS for g in chosen) else base["settings"]
    projects = {int(p["id"]): p for p in base["projects"]}
    new_projects = {int(p["id"]): p for p in now["projects"]}
    links = {_link_key(lk): lk for lk in base["links"]}
    new_links = {_link_key(lk): lk for lk in now["links"]}
    _apply(chosen, (projects, new_projects), (links, new_links))
    return {
        **base,
        "settings": settings,
        "projects": [projects[k] for k in sorted(projects)],
        "links": [links[k] for k in sorted(links)],
    }


def apply_to_inputs(
    base: input_documents.PlanInputs, now: input_documents.PlanInputs, groups: Iterable[ChangeGroup]
) -> input_documents.PlanInputs:
    """``apply_groups`` on documents already read (``input_documents.from_document``): the same inputs as reading
    ``apply_groups(base, now, groups)``, without parsing a document per group."""
    chosen = _flatten(groups)
    projects = {p.key: p for p in base.projects}
    new_projects = {p.key: p for p in now.projects}
    links = {(lk.producer, lk.consumer): lk for lk in base.links}
    new_links = {(lk.producer, lk.consumer): lk for lk in now.links}
    _apply(chosen, (projects, new_projects), (links, new_links))
    settings = now.settings if any(g.kind == SETTINGS for g in chosen) else base.settings
    return input_documents.PlanInputs(
        settings, tuple(projects[k] for k in sorted(projects)), tuple(links[k] for k in sorted(links))
    )


def _apply(chosen: list[ChangeGroup], projects: tuple[dict, dict], links: tuple[dict, dict]) -> None:
    """Each chosen project and link group's entry of the new side into the base side (or out, when gone), in place:
    each pair is (base entries, new entries) keyed by project key and by (producer, consumer)."""
    for group in chosen:
        if group.kind == PROJECT:
            (project_key,) = group.projects
            _put(projects[0], project_key, projects[1].get(project_key))
        elif group.kind == LINK:
            link_key = (group.projects[0], group.projects[1])
            _put(links[0], link_key, links[1].get(link_key))


def _put(entries: dict, key, value) -> None:
    if value is None:
        entries.pop(key, None)
    else:
        entries[key] = value


def pool(groups: Sequence[ChangeGroup], *, most: int, priority: Callable[[ChangeGroup], float]) -> list[ChangeGroup]:
    """At most ``most`` groups alone, the highest ``priority`` first (ties in their order); the rest pooled as one
    "other changes" group after them. Fewer than ``most`` + 1 groups are returned as they are."""
    if len(groups) <= most:
        return list(groups)
    order = sorted(range(len(groups)), key=lambda i: (-priority(groups[i]), i))
    alone = sorted(order[:most])
    rest = tuple(groups[i] for i in sorted(order[most:]))
    touched = tuple(sorted({p for g in rest for p in g.projects}))
    pooled = ChangeGroup(POOLED, POOLED, POOLED_DESCRIPTION.format(count=len(rest)), projects=touched, members=rest)
    return [groups[i] for i in alone] + [pooled]
