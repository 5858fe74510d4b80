"""Read-only representations. Every related record comes with its API ``url``.

Dates of varying precision are ISO 8601 reduced precision strings ("2024", "2023-12",
"2023-12-25") with their precision beside them, as in the downloads. A missing value is
``null``, never ``""`` (:class:`OptionalTextField`).
"""

from collections.abc import Mapping
from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import is_simple_callable
from rest_framework.relations import PKOnlyObject

from partnerships.in_force import InForce
from partnerships.models import (
    AgreementKind,
    DatePrecision,
    EstablishedBodyKind,
    InstitutionKind,
    InstitutionNameType,
    InstitutionRelationType,
    NameOrder,
    ParticipationRole,
)
from partnerships.models.common import partial_date_iso
from partnerships.open_data.exports import SlugLinks
from partnerships.site import absolute_url, absolute_url_builder


def links(context):
    """The request's :class:`SlugLinks`: each view is reversed once per response."""
    found = context.get("slug_links")
    if found is None:
        found = context["slug_links"] = SlugLinks(absolute_url_builder(context["request"]))
    return found


class _Unread(Exception):
    """A value the plain reading cannot give: DRF's own reading decides (its defaults,
    ``SkipField``, a callable's call, a missing related record)."""


# Whether values of a type are read by key (``isinstance(…, Mapping)`` per value, an ABC
# check, was a fifth of the representation's time).
_BY_KEY = {}


def _by_key(kind):
    found = _BY_KEY.get(kind)
    if found is None:
        found = _BY_KEY[kind] = issubclass(kind, Mapping)
    return found


def _read(instance, attrs):
    """``rest_framework.fields.get_attribute`` for plain values: attributes and keys."""
    for attr in attrs:
        try:
            instance = instance[attr] if _by_key(type(instance)) else getattr(instance, attr)
        except (KeyError, AttributeError, ObjectDoesNotExist) as missing:
            raise _Unread from missing
        if callable(instance) and is_simple_callable(instance):
            raise _Unread
    return instance


class Serializer(serializers.Serializer):
    """A read-only serializer whose representation reads each field as DRF does, with
    DRF's checks per field and value done once per serializer rather than once per value.

    An API page of 50 agreements spent 12 ms in DRF's generic ``to_representation``, of
    which 2.7 ms were the values themselves. A value that is missing or callable is read
    by DRF's own ``get_attribute``, so the output is the same (tests/test_api.py).
    """

    @cached_property
    def _representation_plan(self):
        return [
            (field.field_name, field.source_attrs, field, field.to_representation)
            for field in self._readable_fields
        ]

    def to_representation(self, instance):
        representation = {}
        for name, attrs, field, represent in self._representation_plan:
            try:
                value = _read(instance, attrs)
            except _Unread:
                try:
                    value = field.get_attribute(instance)
                except serializers.SkipField:
                    continue
            if isinstance(value, PKOnlyObject):
                representation[name] = None if value.pk is None else represent(value)
            else:
                representation[name] = None if value is None else represent(value)
        return representation


@extend_schema_field(OpenApiTypes.URI)
class SlugLinkField(serializers.Field):
    """Absolute address of a record by its slug, for the view ``view_name``.

    The same address as ``HyperlinkedIdentityField`` or the model's ``get_absolute_url``
    would give, without a ``reverse()`` per link (a list page holds hundreds of links).
    """

    def __init__(self, view_name, source="slug", **kwargs):
        self.view_name = view_name
        kwargs.update(source=source, read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return links(self.context)(self.view_name, value)


class PageURLField(SlugLinkField):
    """Absolute address of the record's HTML page (its ``get_absolute_url()``)."""


@extend_schema_field(OpenApiTypes.URI)
class FilteredListURLField(serializers.Field):
    """Absolute address of an API list filtered to this record (``?institution=<slug>``)."""

    def __init__(self, view_name, parameter, **kwargs):
        self.view_name, self.parameter = view_name, parameter
        kwargs.update(source="slug", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = f"{reverse(self.view_name)}?{self.parameter}={value}"
        return absolute_url(self.context["request"], path)


@extend_schema_field(OpenApiTypes.URI)
class FeedURLField(FilteredListURLField):
    def __init__(self, view_name, **kwargs):
        super().__init__(view_name, parameter=None, **kwargs)

    def to_representation(self, value):
        path = reverse(self.view_name, kwargs={"slug": value})
        return absolute_url(self.context["request"], path)


def _link(view_name):
    return SlugLinkField(view_name)


class OptionalTextField(serializers.CharField):
    """Text a record may lack: ``null`` when missing, never ``""``, as in the JSON
    downloads and the dumps (only CSV, which has no null, leaves a cell empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) or None


class InstitutionLinkSerializer(Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=InstitutionKind.choices)
    url = _link("api:institution-detail")


class PersonLinkSerializer(Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(source="display_name")
    url = _link("api:person-detail")


class FocusAreaLinkSerializer(Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    url = _link("api:focusarea-detail")


class AgreementLinkSerializer(Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    signed_on = serializers.CharField(source="signed_on_iso", allow_null=True)
    signed_on_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    url = _link("api:agreement-detail")


class PartySerializer(Serializer):
    slug = serializers.SlugField(source="institution.slug")
    name = serializers.CharField(source="institution.name")
    kind = serializers.ChoiceField(source="institution.kind", choices=InstitutionKind.choices)
    url = SlugLinkField("api:institution-detail", source="institution.slug")


class WithFieldsMixin:
    """Adds ``fields``, which can't be declared: ``Serializer.fields`` is taken."""

    def get_fields(self):
        fields = super().get_fields()
        fields["fields"] = FocusAreaLinkSerializer(source="focus_areas", many=True, read_only=True)
        return fields


class ChangeTimesSerializer(Serializer):
    """When a record was added and last changed; ``?updated_since=`` takes the latter."""

    created_at = serializers.DateTimeField(
        read_only=True, help_text="When the record was added (UTC, 2024-05-22T08:30:00.000000Z)."
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="When the record last changed (UTC, same format)."
    )


class AgreementSerializer(WithFieldsMixin, ChangeTimesSerializer):
    url = _link("api:agreement-detail")
    html_url = PageURLField("agreement-detail")
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    kind_label = serializers.CharField()
    signed_on = serializers.CharField(
        source="signed_on_iso",
        allow_null=True,
        help_text="ISO 8601 reduced precision: 2024, 2023-12 or 2023-12-25; null if unknown.",
    )
    signed_on_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    signed_on_display = serializers.CharField()
    place = OptionalTextField()
    city = OptionalTextField()
    parties = PartySerializer(source="party_links", many=True, read_only=True)
    in_force = serializers.ChoiceField(
        source="in_force.status",
        choices=InForce.choices,
        help_text="On the day of the request, from the signing date, its precision and the "
        "term, or from an end date a source states.",
    )
    expected_end = serializers.CharField(
        source="in_force.expected_end",
        allow_null=True,
        help_text="ISO 8601 at the precision the inputs allow: 2026-05-18, 2026-12, 2027, or "
        "an interval 2025-07/2026-06; null when unknown.",
    )
    in_force_reason = serializers.CharField(source="in_force.reason")


class AgreementListSerializer(AgreementSerializer):
    """An :class:`AgreementSerializer` reading parties and fields from the plain lists the
    list view attaches to a page of agreements (``listed_parties``, ``listed_fields``)."""

    parties = PartySerializer(source="listed_parties", many=True, read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["fields"] = FocusAreaLinkSerializer(
            source="listed_fields", many=True, read_only=True
        )
        return fields


class ParticipationSerializer(Serializer):
    person = PersonLinkSerializer()
    role = serializers.ChoiceField(choices=ParticipationRole.choices)
    role_label = serializers.CharField(source="get_role_display")
    on_behalf_of = InstitutionLinkSerializer(allow_null=True)
    position_title = OptionalTextField(source="position.title")


class EstablishedBodySerializer(Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=EstablishedBodyKind.choices)
    description = OptionalTextField()
    planned = serializers.BooleanField()


class SourceSerializer(Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    publisher = OptionalTextField()
    url = OptionalTextField(help_text="Address of the document; null where not known.")
    published_on = serializers.DateField(allow_null=True)
    html_url = PageURLField("source-detail")


class AgreementDetailSerializer(AgreementSerializer):
    term_months = serializers.IntegerField(allow_null=True)
    summary = OptionalTextField()
    published_at = serializers.DateTimeField()
    participations = ParticipationSerializer(many=True, read_only=True)
    established_bodies = EstablishedBodySerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)


class OtherNameSerializer(Serializer):
    name = serializers.CharField()
    type = serializers.ChoiceField(source="name_type", choices=InstitutionNameType.choices)
    language = OptionalTextField(help_text="BCP 47 language tag; null where not known.")


class InstitutionSerializer(ChangeTimesSerializer):
    url = _link("api:institution-detail")
    html_url = PageURLField("institution-detail")
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=InstitutionKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    other_names = OtherNameSerializer(source="names", many=True, read_only=True)
    city = OptionalTextField()
    region = OptionalTextField()
    country = OptionalTextField()
    agreement_count = serializers.IntegerField(help_text="Published agreements it is party to.")


class RelationSerializer(Serializer):
    relation = serializers.ChoiceField(
        source="relation_type", choices=InstitutionRelationType.choices
    )
    institution = InstitutionLinkSerializer(source="object")


class InverseRelationSerializer(Serializer):
    relation = serializers.ChoiceField(
        source="relation_type", choices=InstitutionRelationType.choices
    )
    institution = InstitutionLinkSerializer(source="subject")


class InstitutionDetailSerializer(InstitutionSerializer):
    website = OptionalTextField()
    ror_id = OptionalTextField(help_text="ROR identifier, only where verified; else null.")
    wikidata_id = OptionalTextField(
        help_text="Wikidata identifier, only where verified; else null."
    )
    description = OptionalTextField()
    relations = RelationSerializer(
        source="relations_from",
        many=True,
        read_only=True,
        help_text="This institution *relation* the other (e.g. is part of).",
    )
    related_from = InverseRelationSerializer(
        source="relations_to",
        many=True,
        read_only=True,
        help_text="The other institution *relation* this one (e.g. is part of it).",
    )
    agreements_url = FilteredListURLField("api:agreement-list", "institution")
    people_url = FilteredListURLField("api:person-list", "institution")
    feed_url = FeedURLField("open_data:institution-feed")


@extend_schema_field(OpenApiTypes.STR)
class PartialDateField(serializers.Field):
    def __init__(self, date_field, **kwargs):
        self.date_field = date_field
        kwargs.update(source="*", read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return partial_date_iso(
            getattr(value, self.date_field), getattr(value, f"{self.date_field}_precision")
        )


class PositionSerializer(Serializer):
    title = serializers.CharField()
    institution = InstitutionLinkSerializer()
    as_of = PartialDateField("as_of", help_text="When a source reports it held (reduced ISO).")
    as_of_precision = serializers.ChoiceField(choices=DatePrecision.choices)


class PersonSerializer(ChangeTimesSerializer):
    url = _link("api:person-detail")
    html_url = PageURLField("person-detail")
    slug = serializers.SlugField()
    name = serializers.CharField(source="display_name")
    family_name = serializers.CharField()
    given_name = OptionalTextField()
    name_order = serializers.ChoiceField(choices=NameOrder.choices)
    native_name = OptionalTextField()
    honorifics = OptionalTextField()
    positions = PositionSerializer(many=True, read_only=True)
    agreement_count = serializers.IntegerField(
        help_text="Published agreements at whose signing the person took part."
    )


class PersonParticipationSerializer(Serializer):
    agreement = AgreementLinkSerializer()
    role = serializers.ChoiceField(choices=ParticipationRole.choices)
    role_label = serializers.CharField(source="get_role_display")
    on_behalf_of = InstitutionLinkSerializer(allow_null=True)
    position_title = OptionalTextField(source="position.title")


class PersonDetailSerializer(PersonSerializer):
    participations = PersonParticipationSerializer(
        source="published_participations", many=True, read_only=True
    )
    agreements_url = FilteredListURLField("api:agreement-list", "person")


class FocusAreaSerializer(ChangeTimesSerializer):
    url = _link("api:focusarea-detail")
    html_url = PageURLField("focusarea-detail")
    slug = serializers.SlugField()
    name = serializers.CharField()
    parent = FocusAreaLinkSerializer(allow_null=True)
    agreement_count = serializers.IntegerField(
        help_text="Published agreements in the field, its sub-fields included."
    )


class FocusAreaDetailSerializer(FocusAreaSerializer):
    description = OptionalTextField()
    children = FocusAreaLinkSerializer(many=True, read_only=True)
    agreements_url = FilteredListURLField("api:agreement-list", "field")
    feed_url = FeedURLField("open_data:focusarea-feed")
