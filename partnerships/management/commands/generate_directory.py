"""Fill the database with a realistic synthetic directory, for benchmarks and demos.

    manage.py generate_directory --agreements 100000 --seed 42

The same seed makes the same records. It refuses to write into a database that
already holds directory records (curated or not) unless ``--force`` is given:
synthetic rows mixed into curated data could not be told apart on the site.
"""

import time

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from partnerships.models import Agreement, FocusArea, Institution, Person, Source
from partnerships.synthetic import BATCH_SIZE, DirectoryGenerator, analyze


class Command(BaseCommand):
    help = (
        "Generate a synthetic directory (institutions, people, fields, agreements) for "
        "benchmarks. Refuses to run over existing records unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreements",
            type=int,
            default=100_000,
            help="How many agreements to make (default 100000); the rest scales with it.",
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="Random seed; the same seed makes the same data."
        )
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="Rows per bulk insert batch."
        )
        parser.add_argument(
            "--force",
            "--allow-existing",
            action="store_true",
            dest="force",
            help="Add synthetic records even though the database already holds records.",
        )
        parser.add_argument(
            "--skip-search-refresh",
            action="store_true",
            help="Do not rebuild derived data at the end (search documents, facet rows, who "
            "readers see): until a write rebuilds it, search finds nothing and the "
            "institutions and people are hidden.",
        )

    def handle(self, *args, agreements, seed, batch_size, force, skip_search_refresh, **options):
        if agreements < 1:
            raise CommandError("--agreements must be at least 1.")
        existing = {
            "curated sources (with an archived document)": Source.objects.exclude(
                document=""
            ).count(),
            "agreements": Agreement.objects.count(),
            "institutions": Institution.objects.count(),
            "people": Person.objects.count(),
            "focus areas": FocusArea.objects.count(),
        }
        held = {label: count for label, count in existing.items() if count}
        if held and not force:
            listing = ", ".join(f"{count:,} {label}" for label, count in held.items())
            raise CommandError(
                f"Refusing to generate: this database already holds {listing}. Synthetic "
                "records would be mixed with them and could not be told apart. Use an empty "
                "database, or pass --force (alias --allow-existing) to add them anyway."
            )

        verbose = options["verbosity"] >= 1

        def log(message):
            if verbose:
                self.stdout.write(message)

        log(f"Generating {agreements:,} synthetic agreements (seed {seed})…")
        started = time.perf_counter()
        generator = DirectoryGenerator(agreements, seed=seed, batch_size=batch_size, log=log)
        with transaction.atomic():
            summary = generator.run(refresh=not skip_search_refresh)
        analyze_started = time.perf_counter()
        if analyze():
            summary.timings["vacuum analyze"] = time.perf_counter() - analyze_started
            log(f"  vacuum analyze: {summary.timings['vacuum analyze']:.1f} s")
        elapsed = time.perf_counter() - started

        drafts = summary.agreements - summary.published
        lines = [
            f"{summary.agreements:,} agreements ({summary.published:,} published, "
            f"{drafts:,} drafts)",
            f"{summary.parties:,} parties, {summary.participations:,} participations, "
            f"{summary.focus_links:,} field links, {summary.established_bodies:,} "
            "established bodies",
            f"{summary.institutions:,} institutions ({summary.institution_names:,} other names, "
            f"{summary.institution_relations:,} relations)",
            f"{summary.people:,} people ({summary.positions:,} positions)",
            f"{summary.focus_areas:,} focus areas",
            f"{summary.sources:,} synthetic sources ({summary.source_credits:,} credits)",
            "hubs: " + "; ".join(summary.hubs),
        ]
        timings = ", ".join(
            f"{label} {seconds:.1f} s" for label, seconds in summary.timings.items()
        )
        if verbose:
            self.stdout.write("\n".join(f"  {line}" for line in lines))
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic directory generated in {elapsed:.1f} s ({timings})."
                if verbose
                else f"{summary.agreements} agreements in {elapsed:.1f} s"
            )
        )
