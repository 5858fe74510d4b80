"""Load a backup_directory file into an empty database, all or nothing."""

import json
from itertools import islice
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError, call_command
from django.db import DatabaseError, transaction

from partnerships.models import SlugRedirect

from .backup_directory import CHUNK_SIZE, MODELS

SHOWN_PROBLEMS = 10


def invalid_records():
    """(record, message) for each loaded record whose fields break the models' rules.

    ``loaddata`` saves rows as they are; this checks every field as a form would
    (schemes of addresses, lengths, choices). Relations and the rules the database
    enforces itself (constraints) are checked by the database during the load.
    """
    for model in MODELS:
        relations = [field.name for field in model._meta.fields if field.is_relation]
        for record in model._default_manager.order_by("pk").iterator(chunk_size=CHUNK_SIZE):
            try:
                record.clean_fields(exclude=relations)
            except ValidationError as error:
                problems = "; ".join(
                    f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
                )
                yield f"{model._meta.object_name} “{record}”: {problems}"


def lead_old_addresses_to_restored_records(source):
    """Records come back under new ids: point each old address at its record again, by
    the slug the backup names it by (``"target"``)."""
    from partnerships.curation.addresses import model_of

    with open(source, encoding="utf-8") as backup:
        targets = [
            (record["fields"]["model"], record["fields"]["old_slug"], record["target"])
            for record in json.load(backup)
            if record.get("model") == "partnerships.slugredirect" and "target" in record
        ]
    redirects = {
        (redirect.model, redirect.old_slug): redirect for redirect in SlugRedirect.objects.all()
    }
    changed = []
    for kind in {kind for kind, _, _ in targets}:
        slugs = {target for each, _, target in targets if each == kind}
        ids = dict(model_of(kind)._base_manager.filter(slug__in=slugs).values_list("slug", "pk"))
        for each, old_slug, target in targets:
            redirect = redirects.get((each, old_slug))
            if each == kind and redirect is not None and target in ids:
                redirect.object_id = ids[target]
                changed.append(redirect)
    SlugRedirect.objects.bulk_update(changed, ["object_id"], batch_size=CHUNK_SIZE)


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_directory into a database holding no "
        "partnerships records yet (search text follows through the write path)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file, e.g. backups/directory.json")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"There is no backup file at {source}.")
        with transaction.atomic():
            present = [
                f"{model._meta.object_name} ({model._default_manager.count()})"
                for model in MODELS
                if model._default_manager.exists()
            ]
            if present:
                raise CommandError(
                    "The database already holds partnerships records: "
                    f"{', '.join(present)}. Restore only into an empty database "
                    "(e.g. a new one after `migrate`), so that nothing is mixed or overwritten."
                )
            try:
                call_command("loaddata", str(source), verbosity=0)
            except DatabaseError as error:
                raise CommandError(
                    f"{source} breaks a rule of the directory, so nothing was restored: {error}"
                ) from None
            lead_old_addresses_to_restored_records(source)
            problems = list(islice(invalid_records(), SHOWN_PROBLEMS + 1))
            if problems:
                more = " (and more)" if len(problems) > SHOWN_PROBLEMS else ""
                raise CommandError(
                    f"{source} holds records that break the directory's rules, so nothing "
                    f"was restored{more}:\n" + "\n".join(problems[:SHOWN_PROBLEMS])
                )
        counts = ", ".join(
            f"{model._meta.object_name} {model._default_manager.count()}" for model in MODELS
        )
        self.stdout.write(self.style.SUCCESS(f"Restored from {source}: {counts}."))
