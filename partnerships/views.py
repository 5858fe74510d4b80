"""Public pages. Views stay thin: reads live in QuerySet methods, filters in filters.py."""

import csv
from functools import partial

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Window
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView

from . import caching, charts, facets, network, partner_pairs, read_model, search
from .filters import (
    RELEVANCE,
    AgreementFilterSet,
    FocusAreaFilterSet,
    InstitutionFilterSet,
    PersonFilterSet,
    SearchTextField,
)
from .matching import Matching
from .models import (
    Agreement,
    AgreementParty,
    FocusArea,
    Institution,
    InstitutionRelation,
    Participation,
    Person,
    Position,
    Source,
)
from .models.querysets import (
    NEWEST_FIRST,
    by_signing_date,
    in_order_of,
    public_condition,
    sees_drafts,
)
from .open_data.exports import neutralise
from .open_data.views import unknown_parameters
from .site import absolute_url

PAGE_SIZE = 20
# An institution's page shows its newest agreements ten at a time beside its network and
# chart; its whole list, to filter, is one link away.
INSTITUTION_PAGE_SIZE = 10
PARTNERS_SHOWN = 20
POSITIONS_SHOWN = 20
MOST_ACTIVE_SHOWN = 10
SEARCH_SECTION_SIZE = 5
TOP_INSTITUTIONS = 12  # on the home page


def paginate(request, queryset, per_page=PAGE_SIZE, cache_as=None, count=None, ids_from=None):
    """A page that never errors; a bad page number is explained, not raised.

    With ``cache_as``, the total and the ids of the page are remembered until the data
    changes (see ``caching.py``): counting and ranking thousands of matches is the
    expensive part of a list, fetching twenty rows by id is not. ``count``, when given,
    returns the total (already known to the caller) in place of a COUNT query.
    ``ids_from``, when given, returns a queryset whose primary keys, in order, are
    those of the results (the page is cut from it, its rows read from ``queryset``).
    """
    raw = request.GET.get("page", "1")
    total = count
    if cache_as is not None:
        # The total is the same on every page and in every order: counted once for all.
        count_rows = count or queryset.count
        count_key = caching.request_key(request)

        def total():
            return caching.cached(f"count:{cache_as}", count_key, count_rows)

    def locate():
        # Ids only: the rows (and what they prefetch) are read once, below, by id.
        ordered = ids_from() if ids_from is not None else queryset
        paginator = Paginator(ordered.values_list("pk", flat=True), per_page)
        if total is not None:
            paginator.count = total()
        page = paginator.get_page(raw)
        return paginator.count, page.number, list(page.object_list)

    if cache_as is None:
        count, number, ids = locate()
    else:
        key = (*caching.request_key(request, ignored=()), per_page)
        count, number, ids = caching.cached(f"page:{cache_as}", key, locate)
    paginator = Paginator(queryset, per_page)
    paginator.count = count  # Already counted: no second COUNT query.
    page = paginator.page(number) if count else paginator.get_page(1)
    page.object_list = in_order_of(queryset, ids)
    notice = None
    if raw != str(page.number) and raw != "1":
        notice = _("There is no page “%(asked)s”; showing page %(number)s of %(count)s.") % {
            "asked": raw[:20],
            "number": page.number,
            "count": paginator.num_pages,
        }
    return page, notice


class FacetedListView(TemplateView):
    """A list page: filters and facets from a FilterSet, all state in the query string."""

    filterset_class = None
    page_size = PAGE_SIZE

    def get_queryset(self):
        raise NotImplementedError

    def get_facets(self, filterset):
        return []

    def page_ids(self, filterset):
        """``None``, or a callable giving the results' ids in order from a cheaper
        queryset than ``filterset.results()`` (called after it)."""
        return None

    def decorate(self, objects):
        """Add per-row numbers to the records of one page (one query, not one per row)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = self.filterset_class(params, queryset=self.get_queryset(), request=self.request)
        # The filter set sorts and counts its results (the agreements' from the ids the
        # facets count too: the total costs no query more).
        page, page_notice = paginate(
            self.request,
            filterset.results(),
            self.page_size,
            cache_as=type(self).__name__,
            count=filterset.count,
            ids_from=self.page_ids(filterset),
        )
        self.decorate(page.object_list)
        facet_list = caching.cached(
            f"facets:{type(self).__name__}",
            caching.request_key(self.request),
            lambda: self.get_facets(filterset),
        )
        known = {
            f.name: {o.value: o.label for top in f.options for o in (top, *top.children)}
            for f in facet_list
        }
        chips, unknown = facets.active_filters(filterset, params, known)
        notices = ignored_filter_notices(filterset) + unknown_value_notices(unknown)
        notices += [
            _("This page does not take the parameter “%(name)s”, so it was ignored.")
            % {"name": name}
            for name in unknown_parameters(params, self.filterset_class)
        ]
        if page_notice:
            notices.append(page_notice)
        context.update(
            filterset=filterset,
            form=filterset.form,
            page_obj=page,
            object_list=page.object_list,
            facets=facet_list,
            active_filters=chips,
            notices=notices,
            query=filterset.form.cleaned_data.get("q", ""),
            total=page.paginator.count,
        )
        return context


class AgreementListView(FacetedListView):
    template_name = "partnerships/agreement_list.html"
    filterset_class = AgreementFilterSet

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).for_cards()

    def page_ids(self, filterset):
        # A search in relevance order: ranked from the narrow search rows (PostgreSQL).
        search_plan = filterset.search_plan
        if search_plan is None or search_plan.text_query is None:
            return None
        if filterset.form.cleaned_data.get("sort") not in (None, "", RELEVANCE):
            return None
        if set(filterset.active) == {"q"}:
            drafts = sees_drafts(self.request.user)
            return lambda: search.ranked_agreements(search_plan, published_only=not drafts)

        def among_matching():
            found = filterset.matching()
            if not found.by_ids:
                return filterset.qs
            return search.ranked_agreements(search_plan, among=found.ids_array)

        return among_matching

    def get_facets(self, filterset):
        return facets.agreement_facets(filterset, field_names())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filterset"]
        # Every filter but the year, like the year facet: a bar adds its year to the rest.
        context["year_chart"] = year_chart(
            "agreement-list",
            caching.request_key(self.request),
            None,
            self.request.GET,
            selected=filterset.active.get("year", []),
            # The year facet counts the same set: one query serves both.
            counts=filterset.matching("year").year_counts,
        )
        return context


class InstitutionListView(FacetedListView):
    template_name = "partnerships/institution_list.html"
    filterset_class = InstitutionFilterSet

    def get_queryset(self):
        return Institution.objects.visible_to(self.request.user).prefetch_related("names").by_name()

    def get_facets(self, filterset):
        return facets.institution_facets(filterset)

    def decorate(self, objects):
        attach_counts(objects, Institution.objects.agreement_counts([o.pk for o in objects]))


class PersonListView(FacetedListView):
    template_name = "partnerships/person_list.html"
    filterset_class = PersonFilterSet

    def get_queryset(self):
        return (
            Person.objects.visible_to(self.request.user)
            .for_page(public_positions=not sees_drafts(self.request.user))
            .by_name()
        )

    def get_facets(self, filterset):
        return facets.person_facets(filterset)

    def decorate(self, objects):
        attach_counts(objects, Person.objects.agreement_counts([o.pk for o in objects]))


class FocusAreaListView(FacetedListView):
    template_name = "partnerships/focusarea_list.html"
    filterset_class = FocusAreaFilterSet
    page_size = 200  # The whole hierarchy fits on one page.

    def get_queryset(self):
        # Each top-level field followed by its sub-fields.
        return FocusArea.objects.in_tree_order()

    def decorate(self, objects):
        attach_counts(objects, caching.focus_area_counts())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = not context["query"]
        return context


def field_names():
    """Every field as :class:`ListedField` values, by name: the same 150-odd on every list
    and network page, read once per version (and language)."""
    return caching.cached("fields-by-name", (), lambda: FocusArea.objects.by_name().listed())


def attach_counts(objects, counts):
    for record in objects:
        record.agreement_count = counts.get(record.pk, 0)


def year_chart(namespace, key, agreements, link_params, selected=(), counts=None):
    """Agreements per year (counted once per directory version) as a chart linking to the list.

    ``counts``, when given, computes what ``charts.year_counts(agreements)`` would.
    """
    counts, undated = caching.cached(
        f"year-counts:{namespace}", key, counts or (lambda: charts.year_counts(agreements))
    )
    return charts.year_chart(counts, undated, link_params, selected)


class AgreementDetailView(DetailView):
    template_name = "partnerships/agreement_detail.html"

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).for_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        participations = list(agreement.participations.all())
        context.update(
            signatories=[p for p in participations if p.role == "signed"],
            participations_by_role=_group_by_role(participations),
            related=Agreement.objects.visible_to(self.request.user)
            .related_to(agreement)
            .for_cards()[:5],
        )
        return context


def _group_by_role(participations):
    groups = {}
    for participation in participations:
        if participation.role == "signed":
            continue
        groups.setdefault(participation.get_role_display(), []).append(participation)
    return groups


class InstitutionDetailView(DetailView):
    template_name = "partnerships/institution_detail.html"

    def get_queryset(self):
        return Institution.objects.visible_to(self.request.user).prefetch_related("names")

    def get_object(self, queryset=None):
        institution = super().get_object(queryset)
        # Readers see links to public institutions only; editors every link.
        relations = InstitutionRelation.objects.all()
        if not sees_drafts(self.request.user):
            relations = relations.filter(public_condition(Institution, via="subject__")).filter(
                public_condition(Institution, via="object__")
            )
        _attach_relations(institution, relations)
        return institution

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        agreements = (
            Agreement.objects.visible_to(self.request.user)
            .involving(institution)
            .for_cards()
            .newest_first()
        )
        drafts_shown = sees_drafts(self.request.user)
        page, notice = paginate(
            self.request,
            agreements,
            INSTITUTION_PAGE_SIZE,
            cache_as=type(self).__name__,
            # A reader's count is the institution's partner pair with itself (one row),
            # not a count of its party rows (thousands for a hub).
            count=None if drafts_shown else partial(partner_pairs.agreement_count, institution.pk),
        )

        partners = partner_pairs.strongest_partners(institution.pk, PARTNERS_SHOWN)
        positions = Position.objects.filter(institution=institution)
        if not drafts_shown:
            positions = positions.filter(public_condition(Person, via="person__"))
        # Those shown and how many there are, in one query: COUNT(*) OVER () counts before
        # the LIMIT.
        shown = list(
            positions.select_related("person")
            .annotate(total=Window(Count("*")))
            .order_by("person__family_name", "person__given_name", "title")[:POSITIONS_SHOWN]
        )
        context.update(
            agreements_page=page,
            notices=[notice] if notice else [],
            partners=partners,
            positions=shown,
            position_count=shown[0].total if shown else 0,
            network=caching.cached(
                "institution-network",
                (institution.pk,),
                lambda: network.institution_network(institution),
            ),
            year_chart=year_chart(
                "institution",
                (institution.pk,),
                Agreement.objects.published().involving(institution),
                {"institution": institution.slug},
            ),
        )
        return context


def _attach_relations(institution, relations):
    """Give ``institution`` its ``relations`` both ways, as ``prefetch_related`` would
    (``relations_from``, ``relations_to``), read in one query rather than one per way:
    a query's round trip and the prefetching around it were about a millisecond."""
    both_ways = list(
        relations.filter(Q(subject=institution) | Q(object=institution)).select_related(
            "subject", "object"
        )
    )
    prefetched = institution.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, side in (("relations_from", "subject_id"), ("relations_to", "object_id")):
        found = getattr(institution, name).all()
        found._result_cache = [r for r in both_ways if getattr(r, side) == institution.pk]
        found._prefetch_done = True
        prefetched[name] = found


class PersonDetailView(DetailView):
    template_name = "partnerships/person_detail.html"

    def get_queryset(self):
        positions = Position.objects.select_related("institution", "source").order_by(
            "-as_of", "institution__name"
        )
        if not sees_drafts(self.request.user):
            positions = positions.filter(public_condition(Institution, via="institution__"))
        return Person.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("positions", queryset=positions)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Agreement.objects.visible_to(self.request.user)
        context["participations"] = (
            Participation.objects.filter(person=self.object, agreement__in=visible.values("pk"))
            .select_related("agreement", "on_behalf_of", "position__institution")
            .order_by(*by_signing_date(via="agreement__"), "order")
        )
        return context


class FocusAreaDetailView(DetailView):
    template_name = "partnerships/focusarea_detail.html"
    queryset = FocusArea.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        published = Agreement.objects.published().in_field(area)
        # PostgreSQL: readers' pages are found, counted and ordered from the facet rows
        # (``read_model``). Otherwise the field's published agreements are found once (the
        # field filter is the costly part), then counted, charted and paged from those.
        rows = read_model.published_in_field(area) if read_model.in_use() else None
        found = Matching.of(published, lazy=True)
        ids_from = None
        if sees_drafts(self.request.user):
            agreements, count = Agreement.objects.in_field(area), None
        elif rows is not None:
            agreements, count = Agreement.objects.all(), rows.count
            ids_from = partial(rows.order_by, *NEWEST_FIRST)
        else:
            agreements, count = found.agreements(), found.count
        agreements = agreements.for_cards().newest_first()
        page, notice = paginate(
            self.request, agreements, cache_as=type(self).__name__, count=count, ids_from=ids_from
        )

        def most_active():
            if rows is not None:
                counts = dict(read_model.most_active_in_field(area, MOST_ACTIVE_SHOWN))
            else:
                counts = dict(
                    found.links(AgreementParty)
                    .values("institution")
                    .annotate(count=Count("agreement_id"))
                    .order_by("-count", "institution__name")
                    .values_list("institution", "count")[:MOST_ACTIVE_SHOWN]
                )
            institutions = in_order_of(Institution.objects.all(), list(counts))
            for institution in institutions:
                institution.count = counts[institution.pk]
            return institutions

        year_counts = partial(charts.year_counts, rows) if rows is not None else found.year_counts
        context.update(
            agreements_page=page,
            notices=[notice] if notice else [],
            active_institutions=caching.cached("field-most-active", (area.pk,), most_active),
            year_chart=year_chart(
                "field", (area.pk,), published, {"field": area.slug}, counts=year_counts
            ),
        )
        return context


class SourceDetailView(DetailView):
    template_name = "partnerships/source_detail.html"
    queryset = Source.objects.prefetch_related("credits")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["agreements"] = (
            Agreement.objects.visible_to(self.request.user)
            .filter(source_links__source=self.object)
            .for_cards()
        )
        return context


def home(request):
    published = Agreement.objects.published()

    def directory_numbers():
        top_institutions, institutions = partner_pairs.most_active(
            TOP_INSTITUTIONS, ties_by_name=True
        )
        return {
            "agreements": published.count(),
            "institutions": institutions,
            "people": Person.objects.public().count(),
            "fields": FocusArea.objects.count(),
            "top_institutions": top_institutions,
        }

    numbers = caching.cached("home", (), directory_numbers)
    top_counts = dict(numbers["top_institutions"])  # ranked
    top_institutions = in_order_of(Institution.objects.all(), list(top_counts))
    attach_counts(top_institutions, top_counts)
    top_fields = list(FocusArea.objects.top_level().by_name())
    attach_counts(top_fields, caching.focus_area_counts())
    context = {
        "year_chart": year_chart("home", (), published, {}),
        "counts": numbers,
        # Newly published first: an agreement whose signing date is not stated is news too.
        "latest": published.for_cards().order_by("-published_at", "-pk")[:6],
        "top_fields": top_fields,
        "top_institutions": top_institutions,
    }
    return render(request, "home.html", context)


@require_GET
def search_everything(request):
    """One box, every record type: a short ranked section per type, linking to the full list."""
    field = SearchTextField(required=False)
    raw = request.GET.get("q", "")
    try:
        query = field.clean(raw)
    except ValidationError as error:
        context = {"query": raw[:100], "error": " ".join(error.messages)}
        return render(request, "search.html", context, status=400)
    sections = []
    if query:
        visible = Agreement.objects.visible_to(request.user)
        drafts_shown = sees_drafts(request.user)
        institutions = Institution.objects.visible_to(request.user)
        people = Person.objects.visible_to(request.user)
        fields = FocusArea.objects.all()
        # Each section: the records searched, and the few shown read with what their cards
        # say (agreement counts annotated in the same query, not counted in another).
        kinds = (
            (_("Agreements"), "agreement-list", visible, "title", visible.for_cards()),
            (_("Institutions"), "institution-list", institutions, "name", institutions.for_list()),
            (
                _("People"),
                "person-list",
                people,
                "family_name",
                people.for_list(public_positions=not drafts_shown),
            ),
            (_("Fields"), "focusarea-list", fields, "name", fields),
        )
        found = search.first_results(
            [(searched, name_field) for _label, _url, searched, name_field, _shown in kinds],
            query,
            SEARCH_SECTION_SIZE,
            published_agreements=not drafts_shown,
            shared_by=drafts_shown,
        )
        for (label, url_name, _searched, _name, shown), (count, ids) in zip(
            kinds, found, strict=True
        ):
            rows = in_order_of(shown, ids)
            if url_name == "focusarea-list":  # The field list's counts, kept per version.
                attach_counts(rows, caching.focus_area_counts())
            sections.append(
                {
                    "label": label,
                    "kind": url_name.split("-")[0],
                    "url_name": url_name,
                    "count": count,
                    "results": rows,
                }
            )
    total = sum(section["count"] for section in sections)
    suggestions = (
        search.suggestions(Institution.objects.visible_to(request.user), query)
        if query and not total
        else []
    )
    return render(
        request,
        "search.html",
        {"query": query, "sections": sections, "total": total, "suggestions": suggestions},
    )


def ignored_filter_notices(filterset):
    """What the reader is told of each filter whose value was invalid and so ignored."""
    return [
        _("%(filter)s: %(problem)s This filter was ignored.")
        % {"filter": filterset.filters[name].label, "problem": " ".join(messages)}
        for name, messages in filterset.form.errors.items()
        if name in filterset.filters
    ]


def unknown_value_notices(unknown):
    """What the reader is told of each ``(filter label, value)`` naming nothing."""
    return [
        _("%(filter)s: nothing in the directory is called “%(value)s”.")
        % {"filter": label, "value": value}
        for label, value in unknown
    ]


def _network_filters(request):
    """The agreement list's FilterSet over published agreements, and what it ignored."""
    filterset = AgreementFilterSet(
        request.GET, queryset=Agreement.objects.published(), request=request
    )
    filterset.form.is_valid()
    return filterset, ignored_filter_notices(filterset)


def _directory_network(filterset):
    # Published agreements only, whoever asks: the key is the valid filters alone.
    key = sorted((name, repr(values)) for name, values in filterset.active.items())
    # No filter: every published agreement, which the partner pairs hold already.
    agreements = filterset.queryset_without("sort") if filterset.active else None
    return caching.cached("network", key, lambda: network.directory_network(agreements))


@require_GET
def network_page(request):
    """The partnership network of the agreements the list would show under the same filters."""
    filterset, notices = _network_filters(request)
    graph = _directory_network(filterset)
    field_labels = {field.slug: field.reader_name for field in field_names()}
    chips, unknown = facets.active_filters(filterset, request.GET, {"field": field_labels})
    notices += unknown_value_notices(unknown)
    query = request.GET.urlencode()
    return render(
        request,
        "partnerships/network.html",
        {
            "network": graph,
            "active_filters": chips,
            "notices": notices,
            "query": f"?{query}" if query else "",
        },
    )


@require_GET
def network_edges_csv(request):
    """The network's edges, as drawn and tabled, one row per pair of institutions."""
    filterset, _ = _network_filters(request)
    graph = _directory_network(filterset)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="partnership-network-edges.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["source_slug", "source_name", "target_slug", "target_name", "co_signed_agreements"]
    )
    for edge in graph.edges:
        writer.writerow(
            [
                edge.source.slug,
                neutralise(edge.source.name),
                edge.target.slug,
                neutralise(edge.target.name),
                edge.weight,
            ]
        )
    return response


@require_GET
def network_graphml(request):
    filterset, _ = _network_filters(request)
    graph = _directory_network(filterset)
    response = HttpResponse(network.graphml(graph), content_type="application/graphml+xml")
    response["Content-Disposition"] = 'attachment; filename="partnership-network.graphml"'
    return response


def healthz(request):
    """The cheapest response through the whole stack: a floor for the benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url(request, '/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
