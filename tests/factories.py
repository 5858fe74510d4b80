"""factory-boy factories: the smallest valid record of each model."""

import datetime

import factory
from django.db import transaction
from django.utils import timezone

from partnerships import models


class DirectoryFactory(factory.django.DjangoModelFactory):
    """Creates a record and its related rows in one transaction, as one admin save does.

    The write path then rebuilds derived data once per record rather than once per row,
    which is what editors meet and keeps the suite fast on PostgreSQL.
    """

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        if strategy != factory.enums.CREATE_STRATEGY:
            return super()._generate(strategy, params)
        with transaction.atomic():
            return super()._generate(strategy, params)


class SourceFactory(DirectoryFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Press release {n}")
    publisher = "University News"


class FocusAreaFactory(DirectoryFactory):
    class Meta:
        model = models.FocusArea
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"field-{n}")
    name = factory.Sequence(lambda n: f"Field {n}")


class InstitutionFactory(DirectoryFactory):
    class Meta:
        model = models.Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"institution-{n}")
    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = models.InstitutionKind.UNIVERSITY
    city = "Beijing"
    region = "Beijing"
    country = "China"


class InstitutionNameFactory(DirectoryFactory):
    class Meta:
        model = models.InstitutionName

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"I{n}")
    name_type = models.InstitutionNameType.ACRONYM


class PersonFactory(DirectoryFactory):
    class Meta:
        model = models.Person
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"person-{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = "Given"


class PositionFactory(DirectoryFactory):
    class Meta:
        model = models.Position

    person = factory.SubFactory(PersonFactory)
    institution = factory.SubFactory(InstitutionFactory)
    title = "President"


class AgreementFactory(DirectoryFactory):
    """A published, day-precise agreement; pass ``parties=[...]`` to link institutions."""

    class Meta:
        model = models.Agreement
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"agreement-{n}")
    title = factory.Sequence(lambda n: f"Strategic cooperation agreement {n}")
    kind = models.AgreementKind.STRATEGIC_COOPERATION
    signed_on = datetime.date(2023, 5, 18)
    signed_on_precision = models.DatePrecision.DAY
    status = models.AgreementStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        for order, institution in enumerate(extracted or []):
            models.AgreementParty.objects.create(
                agreement=self, institution=institution, order=order
            )

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        for focus_area in extracted or []:
            models.AgreementFocusArea.objects.create(agreement=self, focus_area=focus_area)


class DraftAgreementFactory(AgreementFactory):
    status = models.AgreementStatus.DRAFT
    published_at = None


class ParticipationFactory(DirectoryFactory):
    class Meta:
        model = models.Participation

    agreement = factory.SubFactory(AgreementFactory)
    person = factory.SubFactory(PersonFactory)
    role = models.ParticipationRole.ATTENDED


CITED_SENTENCE = "On 18 May 2023 the two institutions signed a strategic cooperation agreement."


def cite(agreement, source=None):
    """Give an agreement what publishing needs: a source, and the sentences naming its
    parties and stating its date."""
    source = source or SourceFactory()
    models.AgreementSource.objects.get_or_create(agreement=agreement, source=source)
    agreement.party_links.update(source=source, quote=CITED_SENTENCE)
    models.Agreement.objects.filter(pk=agreement.pk).update(
        evidence_source=source, signed_on_quote=CITED_SENTENCE
    )
    agreement.refresh_from_db()
    return agreement
