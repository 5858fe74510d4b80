"""Counts beside each filter option, and the links that toggle them.

Counts are disjunctive, as data browsers show them: an option's count is the number
of results under every *other* active filter plus that option, so choosing a second
institution (either side, OR) never shows a misleading zero. Many-to-many links are
counted with ``Count(distinct=True)``: an agreement with two fields counts once in each.
Each facet costs one or two queries whatever the number of rows; the agreements a
request matches are found once per combination of filters (``matching.py``).
"""

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from . import read_model
from .filters import IN_FORCE_TODAY
from .in_force import in_force_condition
from .models import (
    AgreementFocusArea,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    FocusArea,
    Institution,
    InstitutionKind,
    Participation,
    ParticipationRole,
    Person,
)

TOP_OPTIONS = 8


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool = False
    children: list["Option"] = field(default_factory=list)


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option]


@dataclass
class ActiveFilter:
    name: str
    label: str
    value: str
    value_label: str
    remove_url: str


def _options(rows, selected, labels=None):
    selected = {str(value) for value in selected}
    options = []
    for value, count in rows:
        if value in (None, ""):
            continue
        text = str(value)
        options.append(
            Option(
                value=text,
                label=(labels or {}).get(value, text),
                count=count,
                selected=text in selected,
            )
        )
    return options


def _value_counts(queryset, field):
    """``[(value, count)]`` of ``field`` over ``queryset``, most frequent first."""
    return (
        queryset.values(field)
        .annotate(count=Count("pk"))
        .order_by("-count", field)
        .values_list(field, "count")
    )


def _party_counts(matching, group_by, limit=None, only=None):
    return matching.remembered(
        ("parties", group_by, limit, only),
        lambda: _count_parties(matching, group_by, limit, only),
    )


# The facets counted from the institutions of each agreement: (filter, group, options).
PARTY_FACETS = (
    ("institution", "institution__slug", TOP_OPTIONS),
    ("institution_kind", "institution__kind", None),
    ("country", "institution__country", TOP_OPTIONS),
    ("region", "institution__region", TOP_OPTIONS),
    ("city", "institution__city", TOP_OPTIONS),
)


def _count_party_facets_together(filterset):
    """PostgreSQL: the party facets that count the same set, read in one pass over its
    rows. Sets whose counts are remembered (``Matching.identity``) are left to the
    cache; the others, a request's own, are counted here once for all their facets."""
    sets = {}
    for name, group_by, limit in PARTY_FACETS:
        found = filterset.matching(name)
        if found.by_ids and found.identity is None:
            sets.setdefault(id(found), (found, {}))[1][group_by] = limit
    for found, limits in sets.values():
        if len(limits) > 1:
            found.counted.update(read_model.counts_together(found, limits))


def _count_parties(matching, group_by, limit, only):
    if only is None and group_by in matching.counted:
        return matching.counted[group_by]
    if matching.by_ids:
        # PostgreSQL: from the facet rows (``read_model.py``), without joins.
        return read_model.counts(matching, group_by, limit, only)
    rows = matching.links(AgreementParty)
    if only is not None:
        rows = rows.filter(**{f"{group_by}__in": only})
    rows = (
        rows.values(group_by)
        .annotate(count=Count("agreement_id", distinct=True))
        .order_by("-count", group_by)
        .values_list(group_by, "count")
    )
    return list(rows[:limit] if limit else rows)


def _with_selected(rows, group_by, matching, selected):
    """The top options, plus any selected option that did not make the top list."""
    present = {value for value, _ in rows}
    missing = [value for value in selected if value not in present]
    if missing:
        rows = rows + _party_counts(matching, group_by, only=missing)
    return rows


def _field_counts(matching):
    """``({field id: agreements}, {top-level field id: agreements in it or below})``."""
    return matching.remembered("fields", lambda: _count_fields(matching))


def _count_fields(matching):
    if matching.by_ids:
        # Both from one pass over the set's facet rows: found once, not twice.
        counted = read_model.counts_together(matching, {"focus_area": None, "top_focus_area": None})
        return dict(counted["focus_area"]), dict(counted["top_focus_area"])
    links = matching.links(AgreementFocusArea)
    # One link per agreement and field: no DISTINCT needed by field.
    leaf_counts = dict(
        links.values("focus_area_id")
        .annotate(count=Count("agreement_id"))
        .values_list("focus_area_id", "count")
    )
    top_counts = dict(
        links.annotate(top=Coalesce(F("focus_area__parent_id"), F("focus_area_id")))
        .values("top")
        .annotate(count=Count("agreement_id", distinct=True))
        .values_list("top", "count")
    )
    return leaf_counts, top_counts


def agreement_facets(filterset, focus_areas):
    active = filterset.active
    facets = []

    # Fields: a parent counts agreements in it or any of its sub-fields, once each.
    leaf_counts, top_counts = _field_counts(filterset.matching("field"))
    selected_fields = set(active.get("field", []))
    field_options = []
    sub_fields = {}  # {parent id: [sub-fields]}, found in one pass, in the list's order
    for area in focus_areas:
        if area.parent_id is not None:
            sub_fields.setdefault(area.parent_id, []).append(area)
    for area in focus_areas:
        if area.parent_id is not None:
            continue
        children = [
            Option(
                value=child.slug,
                label=child.reader_name,
                count=leaf_counts.get(child.pk, 0),
                selected=child.slug in selected_fields,
            )
            for child in sub_fields.get(area.pk, ())
        ]
        # Sub-fields unfold under a chosen field, so a long hierarchy stays a short list.
        expanded = area.slug in selected_fields or any(c.selected for c in children)
        field_options.append(
            Option(
                value=area.slug,
                label=area.reader_name,
                count=top_counts.get(area.pk, 0),
                selected=area.slug in selected_fields,
                children=[c for c in children if c.selected or (expanded and c.count)],
            )
        )
    field_options = [o for o in field_options if o.count or o.selected or o.children]
    facets.append(Facet("field", _("Field"), field_options))

    # Years, in date order.
    years = reversed(filterset.matching("year").year_counts()[0])
    facets.append(Facet("year", _("Year signed"), _options(years, active.get("year", []))))

    # Institutions (either side): the most frequent, plus those chosen.
    _count_party_facets_together(filterset)
    base = filterset.matching("institution")
    selected = active.get("institution", [])
    rows = _with_selected(
        _party_counts(base, "institution__slug", TOP_OPTIONS), "institution__slug", base, selected
    )
    names = {
        institution.slug: institution.reader_name
        for institution in Institution.objects.visible_to(_user(filterset))
        .filter(slug__in=[slug for slug, _count in rows])
        .only("slug", "name", "name_zh_hans")
    }
    facets.append(Facet("institution", _("Institution"), _options(rows, selected, names)))

    rows = _party_counts(filterset.matching("institution_kind"), "institution__kind")
    facets.append(
        Facet(
            "institution_kind",
            _("Kind of institution"),
            _options(
                rows,
                active.get("institution_kind", []),
                dict(InstitutionKind.choices),
            ),
        )
    )

    base = filterset.matching("kind")
    kinds = base.remembered("kinds", lambda: list(_value_counts(base.agreements(), "kind")))
    facets.append(
        Facet(
            "kind",
            _("Kind of agreement"),
            _options(kinds, active.get("kind", []), dict(AgreementKind.choices)),
        )
    )

    # "In force today": one option, counted like the others under every other filter.
    base = filterset.matching("in_force")
    in_force_today = base.remembered(
        "in-force", lambda: base.agreements().filter(in_force_condition()).count()
    )
    facets.append(
        Facet(
            "in_force",
            _("In force"),
            _options(
                [(IN_FORCE_TODAY, in_force_today)],
                active.get("in_force", []),
                {IN_FORCE_TODAY: _("In force today")},
            ),
        )
    )

    for place, label in (("country", _("Country")), ("region", _("Region")), ("city", _("City"))):
        base = filterset.matching(place)
        group_by = f"institution__{place}"
        selected = active.get(place, [])
        rows = _with_selected(_party_counts(base, group_by, TOP_OPTIONS), group_by, base, selected)
        facets.append(Facet(place, label, _options(rows, selected)))
    return facets


def institution_facets(filterset):
    active = filterset.active
    facets = []
    kinds = _value_counts(filterset.queryset_without("kind"), "kind")
    facets.append(
        Facet(
            "kind",
            _("Kind"),
            _options(kinds, active.get("kind", []), dict(InstitutionKind.choices)),
        )
    )
    for place, label in (("country", _("Country")), ("region", _("Region")), ("city", _("City"))):
        rows = _value_counts(filterset.queryset_without(place).exclude(**{place: ""}), place)
        rows = rows[:TOP_OPTIONS]
        facets.append(Facet(place, label, _options(list(rows), active.get(place, []))))
    return facets


def person_facets(filterset):
    people = filterset.queryset_without("role")
    rows = (
        Participation.objects.filter(
            person__in=people.values("pk"), agreement__status=AgreementStatus.PUBLISHED
        )
        .values("role")
        .annotate(count=Count("person", distinct=True))
        .order_by("-count", "role")
        .values_list("role", "count")
    )
    options = _options(rows, filterset.active.get("role", []), dict(ParticipationRole.choices))
    return [Facet("role", _("Role at a signing"), options)]


def _user(filterset):
    request = getattr(filterset, "request", None)
    return getattr(request, "user", None)


FILTER_LABEL_MODELS = {"institution": Institution, "person": Person, "field": FocusArea}


def active_filters(filterset, params, known_labels=None):
    """Chips for each active filter value, each with a link that removes only it.

    Returns the chips and the slugs that name no record (shown as notices).
    """
    known_labels = dict(known_labels or {})
    chips, unknown = [], []
    for name, values in filterset.active.items():
        filter_label = filterset.filters[name].label
        labels = known_labels.get(name)
        if labels is None and name in FILTER_LABEL_MODELS:
            model = FILTER_LABEL_MODELS[name]
            # A record readers may not see is named nowhere, not even in a chip.
            records = model.objects.all() if model is FocusArea else model.objects
            if model is not FocusArea:
                records = records.visible_to(_user(filterset))
            found = records.filter(slug__in=values)
            labels = {record.slug: record.reader_name for record in found}
        elif labels is None:
            form_field = filterset.form.fields[name]
            labels = getattr(form_field, "valid_choices", {})
        for value in values:
            text = str(value)
            if name in FILTER_LABEL_MODELS and text not in labels:
                unknown.append((filter_label, text))
            chips.append(
                ActiveFilter(
                    name=name,
                    label=filter_label,
                    value=text,
                    value_label=str(labels.get(value, labels.get(text, text))),
                    remove_url=_removed_query(params, name, text),
                )
            )
    return chips, unknown


def _removed_query(params, name, value):
    params = params.copy()
    params.pop("page", None)
    if name in ("q", "signed_from", "signed_to", "updated_since"):
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
