"""Write the whole directory, drafts included, to one JSON fixture with natural keys."""

import datetime
import os
from itertools import batched
from pathlib import Path

from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F

from partnerships import models, write_path

# Each model after every model it refers to, so the file loads front to back.
MODELS = [
    models.Source,
    models.SourceCredit,
    models.FocusArea,
    models.Institution,
    models.InstitutionName,
    models.InstitutionRelation,
    models.Person,
    models.PersonName,
    models.Position,
    models.Agreement,
    models.AgreementParty,
    models.AgreementSource,
    models.AgreementFocusArea,
    models.Participation,
    models.EstablishedBody,
    # Old addresses: each names its record by the record's slug ("target"), because
    # records are restored under new ids.
    models.SlugRedirect,
]
CHUNK_SIZE = 2000


class Encoder(DjangoJSONEncoder):
    """Datetimes to the microsecond (DjangoJSONEncoder keeps milliseconds only), so a
    restore gives back the very same timestamps."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def ordered(model):
    """All rows, in a stable order; top-level fields before their sub-fields."""
    queryset = model._default_manager.order_by("pk")
    if model is models.FocusArea:
        queryset = queryset.order_by(F("parent").asc(nulls_first=True), "pk")
    return queryset


def redirect_targets():
    """``{(addressed model, id): slug}`` of every record an old address leads to."""
    from partnerships.curation.addresses import model_of

    targets = {}
    wanted = models.SlugRedirect.objects.values_list("model", "object_id")
    for kind in {kind for kind, _ in wanted}:
        ids = [pk for each, pk in wanted if each == kind]
        for pk, slug in model_of(kind)._base_manager.filter(pk__in=ids).values_list("pk", "slug"):
            targets[kind, pk] = slug
    return targets


def serialized_records():
    """Every record as a fixture object, natural keys instead of ids, read in chunks."""
    for model in MODELS:
        targets = redirect_targets() if model is models.SlugRedirect else None
        for chunk in batched(ordered(model).iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            for record in serializers.serialize(
                "python", chunk, use_natural_foreign_keys=True, use_natural_primary_keys=True
            ):
                for name in write_path.REBUILT_COLUMNS:
                    record["fields"].pop(name, None)
                if targets is not None:
                    fields = record["fields"]
                    target = targets.get((fields["model"], fields["object_id"]))
                    if target is None:
                        continue  # Leads to a record no longer there.
                    # Read by restore_directory (the deserialiser ignores extra keys).
                    record["target"] = target
                    record.pop("pk", None)
                yield record


class Command(BaseCommand):
    help = (
        "Back up every partnerships record (drafts included) to one JSON fixture file "
        "that restore_directory (or loaddata) reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. backups/directory.json")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.suffix != ".json":
            raise CommandError("Name the backup file with a .json extension.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        encoder = Encoder(ensure_ascii=False, indent=1)
        count = 0
        partial = target.with_name(target.name + ".partial")
        # Written beside the target and renamed at the end: a failed backup never
        # leaves a truncated file under the real name.
        # Drafts and editors' notes: readable and writable by the owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "w", encoding="utf-8") as out:
            out.write("[")
            for record in serialized_records():
                out.write(",\n" if count else "\n")
                out.write(encoder.encode(record))
                count += 1
            out.write("\n]\n")
        partial.replace(target)
        self.stdout.write(self.style.SUCCESS(f"Backed up {count} records to {target}."))
