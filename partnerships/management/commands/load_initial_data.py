"""Load the curated records from ``fixtures/``: atomic, idempotent, and says what it did."""

from django.core.management import BaseCommand, call_command
from django.db import transaction

from partnerships.models import Agreement, FocusArea, Institution, Person, Source

# Order matters: each file only refers to records loaded before it.
FIXTURES = [
    "sources.json",
    "focus_areas.json",
    "institutions.json",
    "people.json",
    "agreements.json",
]


class Command(BaseCommand):
    help = "Load the curated directory from fixtures/ (safe to run again: it updates in place)."

    def handle(self, *args, **options):
        # One transaction: a broken fixture leaves the database exactly as it was.
        with transaction.atomic():
            for fixture in FIXTURES:
                call_command("loaddata", fixture, verbosity=0)
        counts = {
            "sources": Source.objects.count(),
            "fields": FocusArea.objects.count(),
            "institutions": Institution.objects.count(),
            "people": Person.objects.count(),
            "agreements": Agreement.objects.count(),
        }
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Curated directory loaded: {summary}."))
