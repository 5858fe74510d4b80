"""Score drafts from press releases against hand-read records."""

from django.core.management.base import BaseCommand, CommandError

from partnerships.curation.evaluate import FACT_KINDS, evaluate, overall
from partnerships.curation.gazetteer import Gazetteer


class Command(BaseCommand):
    help = (
        "Draft every document TRUTH.json names (read from DIR) and print, per kind of fact, "
        "how many proposed facts are right (precision) and how many recorded facts were "
        "found (recall)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Folder holding the press releases.")
        parser.add_argument("truth", help="JSON file of hand-read records, by file name.")
        parser.add_argument(
            "--misses", action="store_true", help="Also list every wrong or missed fact."
        )
        parser.add_argument(
            "--without-directory",
            action="store_true",
            help="Draft with an empty gazetteer, as if the directory knew no institutions "
            "(fields and their synonyms are still used).",
        )

    def handle(self, directory, truth, misses=False, without_directory=False, **options):
        gazetteer = Gazetteer.from_directory()
        if without_directory:
            gazetteer.institutions, gazetteer.names, gazetteer.acronyms = {}, {}, {}
        try:
            tallies = evaluate(directory, truth, gazetteer=gazetteer)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot evaluate: {error}") from error
        self.stdout.write(
            f"{'fact':<14}{'right':>7}{'proposed':>10}{'recorded':>10}"
            f"{'precision':>11}{'recall':>8}"
        )
        rows = [(kind, tallies[kind]) for kind in FACT_KINDS] + [("all facts", overall(tallies))]
        for kind, tally in rows:
            self.stdout.write(
                f"{kind:<14}{tally.right:>7}{tally.proposed:>10}{tally.expected:>10}"
                f"{tally.precision:>10.0%}{tally.recall:>9.0%}"
            )
        if misses:
            for kind in FACT_KINDS:
                for miss in tallies[kind].misses:
                    self.stdout.write(f"  {kind}: {miss}")
