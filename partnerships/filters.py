"""FilterSets: one definition of each filter serves the HTML pages, the downloads and the API.

Query strings are untrusted. Every value is parsed by a form field; a value that does
not parse is dropped (the filter is ignored) and the page says so, never a 500.
Several values of one filter mean *any of them*; different filters must *all* hold.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import read_model, search
from .in_force import in_force_condition
from .matching import Matching
from .models import (
    Agreement,
    AgreementFocusArea,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    DatePrecision,
    FocusArea,
    Institution,
    InstitutionKind,
    Participation,
    Person,
    Position,
)
from .models.querysets import NEWEST_FIRST, by_signing_date, in_ids

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,160}$")
MAX_VALUES = 20
MIN_YEAR, MAX_YEAR = 1900, 2100
ANY_VALUE = _("value")


def _reject_control_characters(value):
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise ValidationError(_("Remove the control characters from this value."))


class SearchTextField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", search.MAX_QUERY_LENGTH)
        kwargs.setdefault("validators", [_reject_control_characters])
        super().__init__(**kwargs)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchTextField


class MultipleValueField(forms.Field):
    """Any number (up to ``MAX_VALUES``) of repeated query parameters, each validated."""

    widget = forms.MultipleHiddenInput
    item_label = ANY_VALUE

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_VALUES:
            raise ValidationError(
                _("Choose at most %(count)s values here.") % {"count": MAX_VALUES}
            )
        return [self.clean_item(str(item).strip()) for item in values if str(item).strip()]

    def clean_item(self, item):
        return item

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class SlugListField(MultipleValueField):
    def clean_item(self, item):
        if not SLUG_PATTERN.match(item):
            raise ValidationError(
                _("“%(value)s” is not a valid %(item)s.")
                % {"value": item[:40], "item": self.item_label}
            )
        return item


class ChoiceListField(MultipleValueField):
    def __init__(self, *, choices=(), **kwargs):
        self.valid_choices = dict(choices)
        super().__init__(**kwargs)

    def clean_item(self, item):
        if item not in self.valid_choices:
            raise ValidationError(
                _("“%(value)s” is not a known %(item)s.")
                % {"value": item[:40], "item": self.item_label}
            )
        return item


class YearListField(MultipleValueField):
    def clean_item(self, item):
        if not (item.isascii() and item.isdigit()) or not MIN_YEAR <= int(item) <= MAX_YEAR:
            raise ValidationError(
                _("“%(value)s” is not a year between %(first)s and %(last)s.")
                % {"value": item[:40], "first": MIN_YEAR, "last": MAX_YEAR}
            )
        return int(item)


class TextListField(MultipleValueField):
    def clean_item(self, item):
        _reject_control_characters(item)
        if len(item) > 100:
            raise ValidationError(_("A place name is at most 100 characters."))
        return item


class ListFilter(django_filters.Filter):
    """A filter over repeated parameters; ``method`` receives the cleaned list."""

    def __init__(self, *args, item_label=ANY_VALUE, choices=None, **kwargs):
        self.item_label = item_label
        self.choices = choices
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = self.field_class(
                label=self.label,
                required=False,
                **({"choices": self.choices} if self.choices else {}),
            )
            field.item_label = self.item_label
            self._field = field
        return self._field


class SlugListFilter(ListFilter):
    field_class = SlugListField


class ChoiceListFilter(ListFilter):
    field_class = ChoiceListField


class YearListFilter(ListFilter):
    field_class = YearListField


class TextListFilter(ListFilter):
    field_class = TextListField


class DateRangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("signed_from"), cleaned.get("signed_to")
        if start and end and end < start:
            self.add_error("signed_to", _("The end of the date range is before its start."))
        return cleaned


SORT_CHOICES = {
    "newest": (_("Newest first"), NEWEST_FIRST),
    "oldest": (_("Oldest first"), by_signing_date(descending=False)),
    "title": (_("Title A–Z"), ("title", "pk")),
    "recent": (_("Recently added"), (F("published_at").desc(nulls_last=True), "pk")),
}
RELEVANCE = "relevance"
IN_FORCE_TODAY = "today"


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet whose options can be counted beside them (see ``facets.py``)."""

    # Every list follows changes: records added or changed at or after this moment.
    updated_since = django_filters.IsoDateTimeFilter(
        label=_("Changed since"),
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Records added or changed at or after this time (ISO 8601, e.g. "
        "2024-05-22T08:30:00Z, as given in updated_at).",
    )

    # The record's main name, which ranks first in a search on SQLite.
    search_name_field = "name"

    # Filters whose facet counts results under every other filter (``matching()``).
    faceted = ()

    def results(self):
        """The sorted results a page or a download is cut from."""
        return self.qs

    def count(self):
        return self.qs.count()

    @property
    def search_plan(self):
        """The request's :class:`search.SearchPlan`, once the results were filtered."""
        return getattr(self, "_search_plan", None)

    def filter_search(self, queryset, name, value, ranked=True):
        # Decided once, then reused by every facet query of the same request.
        if self.search_plan is None:
            self._search_plan = search.plan(queryset, value, self.search_name_field)
        if self.search_plan is None:
            return queryset
        if not ranked:
            return queryset.filter(self.search_plan.condition)
        return self.search_plan.apply(queryset)

    def queryset_without(self, excluded):
        """Results with every valid filter applied but ``excluded``, unsorted (for facets)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name in (excluded, "sort") or value in (None, "", []):
                continue
            if name == "q":
                # Counted, not ordered: without the rank, the search rows are not
                # joined to every agreement.
                queryset = self.filter_search(queryset, name, value, ranked=False)
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def matching(self, excluded=None):
        """:class:`Matching` agreements under every valid filter but ``excluded``.

        Filters that are not active leave the set as it is, so a request needs one set
        per active filter plus one: each is found once and reused by every count.
        """
        applied = frozenset(self.active) - {excluded}
        sets = self.__dict__.setdefault("_matching_sets", {})
        if applied in sets:
            return sets[applied]
        # Filters all hold at once, so the results under every filter are the results
        # without one faceted filter among those without another: two sets the facets
        # need anyway, intersected here rather than filtered for a third time.
        faceted = [name for name in self.faceted if name in applied]
        if len(faceted) >= 2 and applied == frozenset(self.active):
            one, other = self.matching(faceted[0]), self.matching(faceted[1])
            # Only when both were read: a shared set's counts may all be remembered, and
            # then the filters together find fewer ids than either alone.
            if one.ids_read and other.ids_read:
                ids = sorted(set(one.ids).intersection(other.ids))
                sets[applied] = Matching(self.queryset_without(excluded).order_by(), ids)
                return sets[applied]
        # No filter: every agreement of the base queryset, the same set for many requests.
        whole = None if applied else self.base_identity
        # One faceted filter (a year, a field) or a search alone: a set many requests
        # share, each adding another filter to it or turning a page, so its counts are
        # remembered too. A broad search ("hospital": 80,000 of 95,000 agreements at
        # 100,000) takes seconds to count, which its next filter then reuses. Named by its
        # base and its filter's values rather than by its SQL, which took a millisecond
        # to write out per set.
        shared = len(applied) == 1 and (len(faceted) == 1 or "q" in applied)
        if shared:
            (name,) = applied
            shared = (*self.base_identity, name, repr(self.active[name]))
        sets[applied] = Matching.of(
            self.queryset_without(excluded), whole, shared=shared, year_rows=self.year_rows(applied)
        )
        return sets[applied]

    @cached_property
    def base_identity(self):
        """What names the agreements filtered: the filter set, its queryset's SQL (which
        holds who may see drafts), written out once per request, and the day, on which
        "in force today" depends."""
        return (type(self).__name__, str(self.queryset.order_by().query), timezone.localdate())

    def year_rows(self, applied):
        """Rows that count the years of the results under the filters ``applied`` faster
        than their query does (``Matching.year_rows``), or ``None``."""
        return None

    @property
    def active(self):
        """Valid, non-empty filter values: ``{name: [values]}``."""
        active = {}
        for name, value in self.form.cleaned_data.items():
            if name == "sort" or value in (None, "", []):
                continue
            active[name] = value if isinstance(value, list) else [value]
        return active


SORT_IDS_UP_TO = 1000  # matching ids sorted as they are (AgreementFilterSet.results)


class AgreementFilterSet(FacetedFilterSet):
    """Filters of the agreement list, its facets, its downloads and the API."""

    search_name_field = "title"
    faceted = (
        "field",
        "year",
        "institution",
        "institution_kind",
        "kind",
        "in_force",
        "country",
        "region",
        "city",
    )

    q = SearchFilter(label=_("Search agreements"), method="filter_search")
    institution = SlugListFilter(
        label=_("Institution"), method="filter_institution", item_label=_("institution")
    )
    institution_kind = ChoiceListFilter(
        label=_("Kind of institution"),
        method="filter_institution_kind",
        choices=InstitutionKind.choices,
        item_label=_("kind of institution"),
    )
    country = TextListFilter(label=_("Country"), method="filter_place", item_label=_("country"))
    region = TextListFilter(label=_("Region"), method="filter_place", item_label=_("region"))
    city = TextListFilter(label=_("City"), method="filter_place", item_label=_("city"))
    field = SlugListFilter(label=_("Field"), method="filter_field", item_label=_("field"))
    year = YearListFilter(label=_("Year signed"), method="filter_year", item_label=_("year"))
    # A date stated only as a year or a month is a period: it matches a range it overlaps
    # (a "2024" agreement is in signed_from=2024-06-01), so nothing that may be in the
    # range is hidden; its precision is shown beside it. Undated agreements match no range.
    signed_from = django_filters.DateFilter(label=_("Signed from"), method="filter_signed_from")
    signed_to = django_filters.DateFilter(
        label=_("Signed until"), field_name="signed_on", lookup_expr="lte"
    )
    kind = ChoiceListFilter(
        label=_("Kind of agreement"),
        method="filter_kind",
        choices=AgreementKind.choices,
        item_label=_("kind of agreement"),
    )
    person = SlugListFilter(label=_("Person"), method="filter_person", item_label=_("person"))
    in_force = ChoiceListFilter(
        label=_("In force"),
        method="filter_in_force",
        choices=[(IN_FORCE_TODAY, _("In force today"))],
        item_label=_("status"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_sort",
        choices=[(RELEVANCE, _("Relevance"))]
        + [(key, label) for key, (label, _) in SORT_CHOICES.items()],
        empty_label=None,
    )

    class Meta:
        model = Agreement
        fields = []
        form = DateRangeForm

    @staticmethod
    def _with_a_party(queryset, lookup, values):
        """Agreements with at least one party whose ``lookup`` is among ``values``."""
        if not values:
            return queryset
        parties = AgreementParty.objects.filter(
            agreement=OuterRef("pk"), **{f"institution__{lookup}__in": values}
        )
        return queryset.filter(Exists(parties))

    def filter_institution(self, queryset, name, slugs):
        return self._with_a_party(queryset, "slug", slugs)

    def filter_institution_kind(self, queryset, name, kinds):
        return self._with_a_party(queryset, "kind", kinds)

    def filter_place(self, queryset, name, values):
        return self._with_a_party(queryset, name, values)

    def filter_field(self, queryset, name, slugs):
        """A parent field includes its sub-fields."""
        if not slugs:
            return queryset
        return queryset.filter(
            Exists(
                AgreementFocusArea.objects.filter(agreement=OuterRef("pk")).filter(
                    Q(focus_area__slug__in=slugs) | Q(focus_area__parent__slug__in=slugs)
                )
            )
        )

    def filter_year(self, queryset, name, years):
        if not years:
            return queryset
        # Ranges rather than ExtractYear so the index on signed_on serves the filter.
        condition = Q()
        for year in years:
            condition |= Q(signed_on__gte=f"{year}-01-01", signed_on__lte=f"{year}-12-31")
        return queryset.filter(condition)

    def filter_kind(self, queryset, name, kinds):
        return queryset.filter(kind__in=kinds) if kinds else queryset

    def filter_signed_from(self, queryset, name, start):
        """Periods ending on or after ``start``: a day from it, its month, or its year."""
        return queryset.filter(
            Q(signed_on__gte=start)
            | Q(signed_on_precision=DatePrecision.MONTH, signed_on__gte=start.replace(day=1))
            | Q(
                signed_on_precision=DatePrecision.YEAR,
                signed_on__gte=start.replace(month=1, day=1),
            )
        )

    def filter_person(self, queryset, name, slugs):
        if not slugs:
            return queryset
        return queryset.filter(
            Exists(Participation.objects.filter(agreement=OuterRef("pk"), person__slug__in=slugs))
        )

    def filter_in_force(self, queryset, name, values):
        return queryset.filter(in_force_condition()) if values else queryset

    def filter_sort(self, queryset, name, value):
        if value in SORT_CHOICES:
            return queryset.order_by(*SORT_CHOICES[value][1])
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        # Without an explicit sort, a search orders by relevance; anything else newest first.
        cleaned = self.form.cleaned_data
        if not cleaned.get("sort") and not cleaned.get("q"):
            queryset = queryset.order_by(*SORT_CHOICES["newest"][1])
        return queryset

    def results(self):
        """The sorted results, as ``qs``, for the list page, the API and the downloads.

        Where every filter's matching ids are known already (the facets read them) and
        few, those ids are sorted rather than every filter run again on the wide table:
        a field and a year took 13–23 ms that way at 100,000 agreements. Past a thousand
        or so, the filter walking the date index until a page is full wins.
        """
        filtered = self.qs  # Validates the filters, which matching() reads.
        if "q" in self.active:  # A search orders by its rank, which the filter computes.
            return filtered
        found = self.matching()
        if found.whole is not None or not found.ids_read or len(found.ids) > SORT_IDS_UP_TO:
            return filtered
        ordering = filtered.query.order_by
        return self.queryset.filter(in_ids("pk", found.ids_array)).order_by(*ordering)

    def count(self):
        """How many results: from the matching ids the facets count too, not a COUNT."""
        return self.matching().count()

    def year_rows(self, applied):
        """A reader's agreements in one field, for the year facet and chart of a list
        filtered by a field and a year: counted from the field's facet rows (PostgreSQL),
        a top-level field's 13,000 at 100,000 agreements take 15 ms, not 34 through the
        agreement table and the links of the field and its sub-fields."""
        slugs = self.active.get("field", [])
        if applied != {"field"} or len(slugs) != 1 or not read_model.in_use():
            return None
        # The base queryset must hold the published agreements and nothing else, as the
        # facet rows counted do (an editor's list holds drafts too).
        if self.queryset.query.where != Agreement.objects.published().query.where:
            return None
        return read_model.published_in_field_slug(slugs[0])


class InstitutionFilterSet(FacetedFilterSet):
    q = SearchFilter(label=_("Search institutions"), method="filter_search")
    kind = ChoiceListFilter(
        label=_("Kind"), method="filter_kind", choices=InstitutionKind.choices, item_label=_("kind")
    )
    country = TextListFilter(label=_("Country"), method="filter_place", item_label=_("country"))
    region = TextListFilter(label=_("Region"), method="filter_place", item_label=_("region"))
    city = TextListFilter(label=_("City"), method="filter_place", item_label=_("city"))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="filter_sort",
        choices=[("name", _("Name A–Z")), ("agreements", _("Most agreements"))],
        empty_label=None,
    )

    class Meta:
        model = Institution
        fields = []

    def filter_kind(self, queryset, name, kinds):
        return queryset.filter(kind__in=kinds) if kinds else queryset

    def filter_place(self, queryset, name, values):
        return queryset.filter(**{f"{name}__in": values}) if values else queryset

    def filter_sort(self, queryset, name, value):
        if value == "agreements":
            return queryset.with_agreement_counts().order_by("-agreement_count", "name", "pk")
        return queryset.by_name()


class PersonFilterSet(FacetedFilterSet):
    search_name_field = "family_name"

    q = SearchFilter(label=_("Search people"), method="filter_search")
    institution = SlugListFilter(
        label=_("Institution"), method="filter_institution", item_label=_("institution")
    )
    role = ChoiceListFilter(
        label=_("Role at a signing"),
        method="filter_role",
        choices=Participation._meta.get_field("role").choices,
        item_label=_("role"),
    )

    class Meta:
        model = Person
        fields = []

    def filter_institution(self, queryset, name, slugs):
        if not slugs:
            return queryset
        return queryset.filter(
            Exists(Position.objects.filter(person=OuterRef("pk"), institution__slug__in=slugs))
        )

    def filter_role(self, queryset, name, roles):
        if not roles:
            return queryset
        return queryset.filter(
            Exists(
                Participation.objects.filter(
                    person=OuterRef("pk"),
                    role__in=roles,
                    agreement__status=AgreementStatus.PUBLISHED,
                )
            )
        )


class FocusAreaFilterSet(FacetedFilterSet):
    q = SearchFilter(label=_("Search fields"), method="filter_search")

    class Meta:
        model = FocusArea
        fields = []
