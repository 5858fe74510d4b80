"""The read-only JSON API: the same FilterSets, search and visibility as the HTML lists.

Only published agreements are served, to everyone: the API is the public open-data
surface, anonymous and cacheable (no session is read), like the downloads and feeds.
"""

from django.core.paginator import InvalidPage
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from partnerships import caching
from partnerships.filters import (
    SLUG_PATTERN,
    AgreementFilterSet,
    FocusAreaFilterSet,
    InstitutionFilterSet,
    PersonFilterSet,
)
from partnerships.models import (
    Agreement,
    FocusArea,
    Institution,
    InstitutionRelation,
    Participation,
    Person,
)
from partnerships.models.querysets import (
    by_signing_date,
    fields_by_agreement,
    in_order_of,
    parties_by_agreement,
    public_condition,
)
from partnerships.open_data import exports  # documented on the API page
from partnerships.open_data.views import UNKNOWN_PARAMETER, filter_errors, unknown_parameters
from partnerships.site import absolute_url

from . import schema, serializers  # noqa: F401 - schema registers the parameters extension.


class FilterSetBackend(DjangoFilterBackend):
    """The list's FilterSet, strictly: a value the HTML page would drop is a 400 here,
    with ``{"errors": {parameter: [messages]}}`` saying what is wrong."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError({"errors": filter_errors(filterset)})
        view.filterset = filterset  # The paginator counts through it.
        return filterset.results()


class DirectoryPagination(PageNumberPagination):
    """Pages of 50, as documented, whose total and ids are remembered until the data changes.

    Counting tens of thousands of matches, and sorting them to find a page, costs more
    than the rest of a response; like the HTML lists (``views.paginate``), the count is
    cached per filter set and the page's ids per page, keyed by the directory version
    (``caching.py``), so an editor's save retires them at once. A cached page is read
    back by id. Everyone sees the same published records, so the key is the address
    alone (``request_key``; sorting and the page number do not change the count).
    """

    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        counted = caching.request_key(request)
        paginator = self.django_paginator_class(queryset, page_size)
        filterset = getattr(view, "filterset", None)
        count = filterset.count if filterset is not None else queryset.count
        paginator.count = caching.cached("api-count", counted, count)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=exc)
            raise NotFound(message) from exc

        fetched = []

        def locate():
            fetched.extend(self.page.object_list)
            return [record.pk for record in fetched]

        paged = (*caching.request_key(request, ignored=("page",)), page_size, self.page.number)
        ids = caching.cached("api-page", paged, locate)
        if not fetched and ids:
            fetched = in_order_of(queryset, ids)
        self.page.object_list = fetched
        return fetched


FILTER_ERRORS = OpenApiResponse(
    inline_serializer(
        "FilterErrors",
        {
            "errors": drf_serializers.DictField(
                child=drf_serializers.ListField(child=drf_serializers.CharField())
            )
        },
    ),
    description="A query parameter is invalid or unknown; ``errors`` names it and says why.",
)
NOT_FOUND = OpenApiResponse(
    inline_serializer("NotFound", {"detail": drf_serializers.CharField()}),
    description="No such record, or no such page.",
)
SLUG_PARAMETER = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    description="The record's identifier, as in its page address.",
    pattern=SLUG_PATTERN.pattern,
)


def documented(name, list_serializer, detail_serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {name}",
            responses={200: list_serializer(many=True), 400: FILTER_ERRORS, 404: NOT_FOUND},
        ),
        retrieve=extend_schema(
            summary=f"One of the {name}",
            parameters=[SLUG_PARAMETER],
            responses={200: detail_serializer, 400: FILTER_ERRORS, 404: NOT_FOUND},
        ),
    )


class DirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # Checked in get_object, so a bad slug is a JSON 404.
    filter_backends = [FilterSetBackend]
    pagination_class = DirectoryPagination
    authentication_classes = []
    detail_serializer_class = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = unknown_parameters(
            request.query_params, self.filterset_class if self.action == "list" else None
        )
        if unknown:
            raise ValidationError(
                {"errors": {name: [UNKNOWN_PARAMETER.format(name=name)] for name in unknown}}
            )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        return self.serializer_class

    def filter_queryset(self, queryset):
        # Filters and search belong to the list; a record is found by its slug alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        if not SLUG_PATTERN.match(self.kwargs.get(self.lookup_field, "")):
            raise NotFound("No record has this identifier.")
        return super().get_object()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page:
            self.decorate(page)
        return page

    def decorate(self, records):
        """Attach what the list serializer reads besides the records' own columns."""


@documented("agreements", serializers.AgreementSerializer, serializers.AgreementDetailSerializer)
class AgreementViewSet(DirectoryViewSet):
    """Published agreements, newest first (or by relevance when searching)."""

    filterset_class = AgreementFilterSet
    # Documented as AgreementSerializer (the same fields), read from decorate()'s lists.
    serializer_class = serializers.AgreementListSerializer
    detail_serializer_class = serializers.AgreementDetailSerializer

    def get_queryset(self):
        agreements = Agreement.objects.published()
        if self.action == "retrieve":
            return agreements.for_detail()
        # The page's parties and fields come from decorate(): as ``for_list()`` would
        # prefetch them, but as plain values, without the ORM's cost per instance.
        return agreements.defer("summary", "search_document")

    def decorate(self, records):
        ids = [record.pk for record in records]
        parties = parties_by_agreement(ids)
        fields = fields_by_agreement(ids)
        for record in records:
            record.listed_parties = [
                {"institution": {"slug": party.slug, "name": party.name, "kind": party.kind}}
                for party in parties.get(record.pk, ())
            ]
            record.listed_fields = [
                {"slug": field.slug, "name": field.name} for field in fields.get(record.pk, ())
            ]


@documented(
    "institutions", serializers.InstitutionSerializer, serializers.InstitutionDetailSerializer
)
class InstitutionViewSet(DirectoryViewSet):
    """Universities, hospitals, academies and institutes, by name."""

    filterset_class = InstitutionFilterSet
    serializer_class = serializers.InstitutionSerializer
    detail_serializer_class = serializers.InstitutionDetailSerializer

    def get_queryset(self):
        institutions = Institution.objects.public().in_name_order()
        if self.action == "retrieve":
            # Links to institutions readers may not see yet are left out.
            relations = InstitutionRelation.objects.filter(
                public_condition(Institution, via="subject__")
            ).filter(public_condition(Institution, via="object__"))
            return institutions.prefetch_related(
                Prefetch("relations_from", queryset=relations.select_related("object")),
                Prefetch("relations_to", queryset=relations.select_related("subject")),
            )
        return institutions


@documented("people", serializers.PersonSerializer, serializers.PersonDetailSerializer)
class PersonViewSet(DirectoryViewSet):
    """People who signed, witnessed, presided over or attended a signing."""

    filterset_class = PersonFilterSet
    serializer_class = serializers.PersonSerializer
    detail_serializer_class = serializers.PersonDetailSerializer

    def get_queryset(self):
        people = Person.objects.public().in_name_order(public_positions=True)
        if self.action == "retrieve":
            return people.prefetch_related(
                Prefetch(
                    "participations",
                    queryset=Participation.objects.filter(
                        agreement__in=Agreement.objects.published().values("pk")
                    )
                    .select_related("agreement", "on_behalf_of", "position")
                    .order_by(*by_signing_date(via="agreement__"), "order"),
                    to_attr="published_participations",
                )
            )
        return people


@documented("fields", serializers.FocusAreaSerializer, serializers.FocusAreaDetailSerializer)
class FocusAreaViewSet(DirectoryViewSet):
    """Fields of cooperation: each top-level field followed by its sub-fields."""

    filterset_class = FocusAreaFilterSet
    serializer_class = serializers.FocusAreaSerializer
    detail_serializer_class = serializers.FocusAreaDetailSerializer

    def get_queryset(self):
        fields = FocusArea.objects.in_tree_order()
        if self.action == "retrieve":
            return fields.prefetch_related("children")
        return fields

    def get_object(self):
        field = super().get_object()
        self.decorate([field])
        return field

    def decorate(self, records):
        # The same cached counts as the field pages and the downloads.
        counts = caching.focus_area_counts()
        for record in records:
            record.agreement_count = counts.get(record.pk, 0)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, path=""):
    """Any other address under /api/: a JSON 404 rather than the HTML page."""
    return Response({"detail": _("There is no API endpoint at this address.")}, status=404)


def docs(request):
    """The human page: endpoints, filters, pagination, downloads and columns."""
    filtersets = [
        (_("Agreements"), "/api/agreements/", AgreementFilterSet),
        (_("Institutions"), "/api/institutions/", InstitutionFilterSet),
        (_("People"), "/api/people/", PersonFilterSet),
        (_("Fields"), "/api/fields/", FocusAreaFilterSet),
    ]
    context = {
        "filtersets": [
            {
                "label": label,
                "endpoint": endpoint,
                "parameters": [
                    {"name": name, "label": filter_.label}
                    for name, filter_ in filterset.base_filters.items()
                ],
            }
            for label, endpoint, filterset in filtersets
        ],
        "exports": exports.EXPORTS.values(),
        "list_separator": exports.LIST_SEPARATOR,
        "site_url": absolute_url(request, "/").rstrip("/"),
    }
    return render(request, "api/index.html", context)
