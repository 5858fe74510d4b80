"""Helpers for admin tests: editor accounts and the POST data of admin forms with inlines."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

EDITORS = "Editors"

# The prefix of each inline on the agreement form: the reverse accessor of its foreign key.
AGREEMENT_INLINES = (
    "source_links",
    "party_links",
    "participations",
    "focus_links",
    "established_bodies",
)


class EditorFactory(factory.django.DjangoModelFactory):
    """A staff user in the Editors group the data migration creates."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def in_editors_group(self, create, extracted, **kwargs):
        """Pass ``in_editors_group=False`` for a staff account outside the group."""
        if create and extracted is not False:
            self.groups.add(Group.objects.get(name=EDITORS))


def inline_formset(prefix, rows=(), initial=0):
    """The management form and rows of one inline, as the admin page would post them."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{index}-{field}"] = value
    return data


def agreement_form(
    *,
    parties=(),
    participations=(),
    sources=(),
    party_quote="",
    inlines=AGREEMENT_INLINES,
    **fields,
):
    """POST data for the agreement add page: the agreement, its parties and its people.

    ``parties`` are institutions; ``participations`` are dicts of participation fields.
    Every other inline is posted empty, with its management form.
    """
    data = {
        "title": "Strategic cooperation agreement between Beihang and PUMC",
        "slug": "beihang-pumc-2023",
        "kind": "strategic_cooperation",
        "summary": "",
        "signed_on": "2023-05-18",
        "signed_on_precision": "day",
        "place": "",
        "city": "",
        "term_months": "",
        "ends_on_precision": "unknown",
        "status": "draft",
        **fields,
    }
    rows = {
        "source_links": [{"source": source.pk} for source in sources],
        "party_links": [
            {"institution": institution.pk, "order": order, "quote": party_quote}
            for order, institution in enumerate(parties)
        ],
        "participations": [{"order": 0, **row} for row in participations],
    }
    for prefix in inlines:
        data.update(inline_formset(prefix, rows.get(prefix, ())))
    return data


def agreement_change_form(agreement, *, delete_parties=(), **fields):
    """POST data for an agreement's change page: every stored row posted back as it is.

    ``delete_parties`` are institutions whose party rows are ticked for deletion.
    """
    data = {
        "title": agreement.title,
        "slug": agreement.slug,
        "kind": agreement.kind,
        "summary": agreement.summary,
        "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else "",
        "signed_on_precision": agreement.signed_on_precision,
        "place": agreement.place,
        "city": agreement.city,
        "term_months": agreement.term_months or "",
        "ends_on": agreement.ends_on.isoformat() if agreement.ends_on else "",
        "ends_on_precision": agreement.ends_on_precision,
        "ends_on_source": agreement.ends_on_source_id or "",
        "ends_on_quote": agreement.ends_on_quote,
        "status": agreement.status,
        "evidence_source": agreement.evidence_source_id or "",
        "title_quote": agreement.title_quote,
        "signed_on_quote": agreement.signed_on_quote,
        "place_quote": agreement.place_quote,
        "term_quote": agreement.term_quote,
        **fields,
    }
    row_fields = {
        "source_links": lambda row: {"source": row.source_id},
        "party_links": lambda row: {
            "institution": row.institution_id,
            "order": row.order,
            "source": row.source_id or "",
            "quote": row.quote,
            **({"DELETE": "on"} if row.institution in delete_parties else {}),
        },
        "participations": lambda row: {
            "person": row.person_id,
            "role": row.role,
            "on_behalf_of": row.on_behalf_of_id or "",
            "position": row.position_id or "",
            "order": row.order,
        },
        "focus_links": lambda row: {"focus_area": row.focus_area_id},
        "established_bodies": lambda row: {
            "name": row.name,
            "kind": row.kind,
            **({"planned": "on"} if row.planned else {}),
        },
    }
    for prefix, fields_of in row_fields.items():
        rows = [
            {"id": row.pk, "agreement": agreement.pk, **fields_of(row)}
            for row in getattr(agreement, prefix).all()
        ]
        data.update(inline_formset(prefix, rows, initial=len(rows)))
    return data
