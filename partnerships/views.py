"""Public pages. Views stay thin: reads live in QuerySet methods, filters in filters.py."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView

from . import facets, search
from .filters import (
    AgreementFilterSet,
    FocusAreaFilterSet,
    InstitutionFilterSet,
    PersonFilterSet,
    SearchTextField,
)
from .models import (
    Agreement,
    FocusArea,
    Institution,
    InstitutionRelation,
    Participation,
    Person,
    Position,
    Source,
)

PAGE_SIZE = 20
SEARCH_SECTION_SIZE = 5


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page that never errors; a bad page number is explained, not raised."""
    paginator = Paginator(queryset, per_page)
    raw = request.GET.get("page", "1")
    page = paginator.get_page(raw)
    notice = None
    if raw != str(page.number) and raw != "1":
        notice = (
            f"There is no page “{raw[:20]}”; showing page {page.number} of {paginator.num_pages}."
        )
    return page, notice


class FacetedListView(TemplateView):
    """A list page: filters and facets from a FilterSet, all state in the query string."""

    filterset_class = None
    page_size = PAGE_SIZE

    def get_queryset(self):
        raise NotImplementedError

    def get_facets(self, filterset):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = self.filterset_class(params, queryset=self.get_queryset(), request=self.request)
        page, page_notice = paginate(self.request, filterset.qs, self.page_size)
        facet_list = self.get_facets(filterset)
        known = {f.name: {o.value: o.label for o in f.options} for f in facet_list}
        chips, unknown = facets.active_filters(filterset, params, known)
        notices = [
            f"{filterset.filters[name].label}: {' '.join(messages)} This filter was ignored."
            for name, messages in filterset.form.errors.items()
            if name in filterset.filters
        ]
        notices += [
            f"{label}: nothing in the directory is called “{value}”." for label, value in unknown
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
        return Agreement.objects.visible_to(self.request.user).for_list()

    def get_facets(self, filterset):
        self.focus_areas = list(FocusArea.objects.order_by("name"))
        return facets.agreement_facets(filterset, self.request.GET, self.focus_areas)


class InstitutionListView(FacetedListView):
    template_name = "partnerships/institution_list.html"
    filterset_class = InstitutionFilterSet

    def get_queryset(self):
        return Institution.objects.for_list().order_by("name", "pk")

    def get_facets(self, filterset):
        return facets.institution_facets(filterset, self.request.GET)


class PersonListView(FacetedListView):
    template_name = "partnerships/person_list.html"
    filterset_class = PersonFilterSet

    def get_queryset(self):
        return Person.objects.for_list().order_by("family_name", "given_name", "pk")

    def get_facets(self, filterset):
        return facets.person_facets(filterset, self.request.GET)


class FocusAreaListView(FacetedListView):
    template_name = "partnerships/focusarea_list.html"
    filterset_class = FocusAreaFilterSet
    page_size = 200  # The whole hierarchy fits on one page.

    def get_queryset(self):
        # Each top-level field followed by its sub-fields.
        return (
            FocusArea.objects.with_agreement_counts()
            .select_related("parent")
            .annotate(tree_name=Coalesce("parent__name", "name"))
            .order_by("tree_name", F("parent").asc(nulls_first=True), "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = not context["query"]
        return context


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
            .for_list()[:5],
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
    queryset = Institution.objects.prefetch_related(
        "names",
        Prefetch("relations_from", queryset=InstitutionRelation.objects.select_related("object")),
        Prefetch("relations_to", queryset=InstitutionRelation.objects.select_related("subject")),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        agreements = (
            Agreement.objects.visible_to(self.request.user)
            .involving(institution)
            .for_list()
            .order_by("-signed_on", "title", "pk")
        )
        page, notice = paginate(self.request, agreements)
        partners = (
            Institution.objects.filter(
                party_links__agreement__in=Agreement.objects.published()
                .involving(institution)
                .values("pk")
            )
            .exclude(pk=institution.pk)
            .annotate(shared=Count("party_links", distinct=True))
            .order_by("-shared", "name")[:20]
        )
        years = (
            Agreement.objects.published()
            .involving(institution)
            .filter(signed_on__isnull=False)
            .dates("signed_on", "year", order="DESC")
        )
        context.update(
            agreements_page=page,
            notices=[notice] if notice else [],
            partners=partners,
            positions=Position.objects.filter(institution=institution)
            .select_related("person")
            .order_by("person__family_name", "person__given_name", "title")[:100],
            agreement_years=years,
        )
        return context


class PersonDetailView(DetailView):
    template_name = "partnerships/person_detail.html"
    queryset = Person.objects.prefetch_related(
        Prefetch(
            "positions",
            queryset=Position.objects.select_related("institution", "source").order_by(
                "-as_of", "institution__name"
            ),
        )
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = Agreement.objects.visible_to(self.request.user)
        context["participations"] = (
            Participation.objects.filter(person=self.object, agreement__in=visible.values("pk"))
            .select_related("agreement", "on_behalf_of", "position__institution")
            .order_by("-agreement__signed_on", "agreement__title", "order")
        )
        return context


class FocusAreaDetailView(DetailView):
    template_name = "partnerships/focusarea_detail.html"
    queryset = FocusArea.objects.select_related("parent").prefetch_related("children")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        agreements = (
            Agreement.objects.visible_to(self.request.user)
            .in_field(area)
            .for_list()
            .order_by("-signed_on", "title", "pk")
        )
        page, notice = paginate(self.request, agreements)
        context.update(
            agreements_page=page,
            notices=[notice] if notice else [],
            active_institutions=Institution.objects.filter(
                party_links__agreement__in=Agreement.objects.published().in_field(area).values("pk")
            )
            .annotate(count=Count("party_links", distinct=True))
            .order_by("-count", "name")[:10],
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
            .for_list()
        )
        return context


def home(request):
    published = Agreement.objects.published()
    counts = published.aggregate(
        agreements=Count("pk"),
    )
    context = {
        "counts": {
            "agreements": counts["agreements"],
            "institutions": Institution.objects.filter(
                party_links__agreement__in=published.values("pk")
            )
            .distinct()
            .count(),
            "people": Person.objects.count(),
            "fields": FocusArea.objects.count(),
        },
        "latest": published.for_list().order_by("-signed_on", "title", "pk")[:6],
        "top_fields": FocusArea.objects.top_level().with_agreement_counts().order_by("name"),
        "top_institutions": Institution.objects.with_agreement_counts()
        .filter(agreement_count__gt=0)
        .order_by("-agreement_count", "name")[:12],
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
    total = 0
    if query:
        visible = Agreement.objects.visible_to(request.user)
        for label, url_name, queryset, name_field in (
            ("Agreements", "agreement-list", visible.for_list(), "title"),
            ("Institutions", "institution-list", Institution.objects.for_list(), "name"),
            ("People", "person-list", Person.objects.for_list(), "family_name"),
            ("Fields", "focusarea-list", FocusArea.objects.with_agreement_counts(), "name"),
        ):
            results = search.search(queryset, query, name_field)
            count = results.count()
            total += count
            sections.append(
                {
                    "label": label,
                    "url_name": url_name,
                    "count": count,
                    "results": list(results[:SEARCH_SECTION_SIZE]) if count else [],
                }
            )
    suggestions = search.suggestions(Institution, query) if query and not total else []
    return render(
        request,
        "search.html",
        {"query": query, "sections": sections, "total": total, "suggestions": suggestions},
    )


def healthz(request):
    """The cheapest response through the whole stack: a floor for the benchmark."""
    return HttpResponse("ok", content_type="text/plain")


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
