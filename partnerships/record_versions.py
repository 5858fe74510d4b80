"""Earlier versions of a record at stable addresses, from its history (django-simple-history).

``/agreements/<slug>/versions/<history id>/`` shows the record's own fields as that
history entry kept them, so that a citation of a version keeps pointing at what was
cited. A version of an agreement that was then a draft is shown to editors only.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst

from partnerships.models import (
    Agreement,
    AgreementStatus,
    FocusArea,
    Institution,
    Person,
    Source,
)
from partnerships.models.common import format_partial_date
from partnerships.models.querysets import rows_written_once, sees_drafts

# Record kind (as in the URL names) -> model.
VERSIONED = {
    "agreement": Agreement,
    "institution": Institution,
    "person": Person,
    "focusarea": FocusArea,
    "source": Source,
}
# Columns that are bookkeeping, derived or said elsewhere on the page.
NOT_SHOWN = {"id", "slug", "created_at", "updated_at", "search_document", "search_vector"}


def version_url(kind, slug, history_id):
    return reverse(f"{kind}-version", kwargs={"slug": slug, "history_id": history_id})


def latest_version(record):
    """``(history id, history date)`` of the record's newest history entry, or ``None``."""
    history = type(record).history.model
    rows = rows_written_once(
        f"latest-version-{history._meta.label}",
        lambda pk: (
            history.objects.filter(id=pk)
            .order_by("-history_date", "-history_id")
            .values_list("history_id", "history_date")[:1]
        ),
        record.pk,
    )
    return rows[0] if rows else None


def version_facts(model, version):
    """``[(label, value)]`` of the record's own fields as the history entry kept them."""
    names = {field.name for field in version._meta.concrete_fields}
    facts = []
    for field in model._meta.concrete_fields:
        if field.name in NOT_SHOWN or field.name not in names:
            continue
        if field.name.endswith("_precision"):
            continue
        value = getattr(version, field.name)
        if f"{field.name}_precision" in names:
            value = format_partial_date(value, getattr(version, f"{field.name}_precision"))
        elif field.choices:
            value = getattr(version, f"get_{field.name}_display")()
        facts.append((capfirst(field.verbose_name), value))
    return facts


def record_version(request, kind, slug, history_id):
    model = VERSIONED[kind]
    records = model.objects.all()
    if model is Agreement:
        records = records.visible_to(request.user)
    record = get_object_or_404(records, slug=slug)
    version = get_object_or_404(record.history.all(), history_id=history_id)
    if (
        model is Agreement
        and version.status != AgreementStatus.PUBLISHED
        and not sees_drafts(request.user)
    ):
        raise Http404("That version was not published.")
    return render(
        request,
        "partnerships/record_version.html",
        {
            "record": record,
            "version": version,
            "kind": kind,
            "facts": version_facts(model, version),
            "is_latest": latest_version(record)[0] == version.history_id,
        },
    )
