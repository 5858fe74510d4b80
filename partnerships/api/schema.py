"""OpenAPI parameters described from the FilterSets themselves, so the schema can't drift.

django-filter's own introspection sees our repeated-value filters as single strings;
this extension reads each filter's class and field to say what it really accepts.
"""

import django_filters
from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from partnerships import filters, search

SLUG_PATTERN = filters.SLUG_PATTERN.pattern


def filter_parameter(name, filter_):
    """The OpenAPI parameter object for one filter of a FilterSet."""
    description = str(filter_.label or name)
    enum, pattern, explode = None, None, None
    if isinstance(filter_, filters.ListFilter):
        explode = True
        description += (
            f". Repeat the parameter for several values (any of them matches), "
            f"at most {filters.MAX_VALUES}."
        )
        if isinstance(filter_, filters.YearListFilter):
            item = {**build_basic_type(OpenApiTypes.INT), "minimum": filters.MIN_YEAR}
            item["maximum"] = filters.MAX_YEAR
        elif isinstance(filter_, filters.ChoiceListFilter):
            item = build_basic_type(OpenApiTypes.STR)
            enum = [value for value, _ in filter_.choices]
        elif isinstance(filter_, filters.SlugListFilter):
            item = build_basic_type(OpenApiTypes.STR)
            pattern = SLUG_PATTERN
        else:
            item = {**build_basic_type(OpenApiTypes.STR), "maxLength": 100}
        schema = {**build_array_type(item), "maxItems": filters.MAX_VALUES}
    elif isinstance(filter_, filters.SearchFilter):
        schema = {**build_basic_type(OpenApiTypes.STR), "maxLength": search.MAX_QUERY_LENGTH}
        description += ": words, names or abbreviations; without a sort, results come by relevance."
    elif isinstance(filter_, django_filters.DateFilter):
        schema = build_basic_type(OpenApiTypes.DATE)
        description += " (YYYY-MM-DD)."
    elif isinstance(filter_, django_filters.ChoiceFilter):
        schema = build_basic_type(OpenApiTypes.STR)
        enum = [value for value, _ in filter_.extra["choices"]]
    else:  # pragma: no cover - every filter of filters.py is one of the above
        schema = build_basic_type(OpenApiTypes.STR)
    return build_parameter_type(
        name=name,
        schema=schema,
        location=OpenApiParameter.QUERY,
        description=description,
        enum=enum,
        pattern=pattern,
        explode=explode,
        style="form" if explode else None,
    )


class FilterSetParameters(OpenApiFilterExtension):
    target_class = "partnerships.api.views.FilterSetBackend"
    priority = 1  # Before drf-spectacular's generic django-filter extension.

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        filterset_class = getattr(auto_schema.view, "filterset_class", None)
        if filterset_class is None:
            return []
        return [
            filter_parameter(name, filter_)
            for name, filter_ in filterset_class.base_filters.items()
        ]
