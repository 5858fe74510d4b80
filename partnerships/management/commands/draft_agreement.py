"""Propose an agreement from a press release file, as the editors' drafting page does."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnerships.curation.extract import draft_from_text
from partnerships.curation.text import DraftInputError


class Command(BaseCommand):
    help = (
        "Read a press release (a text file, or - for standard input) and print the proposed "
        "agreement: parties, date, people and their roles, fields, what it establishes, each "
        "with the sentence it came from. Nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The press release as plain text (- reads stdin).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--url", default="", help="Address of the release.")
        parser.add_argument("--title", default="", help="Title of the release.")
        parser.add_argument(
            "--published", default="", help="Publication date, e.g. 2024-03-18 or 18 March 2024."
        )

    def handle(self, file, json=False, url="", title="", published="", **options):
        try:
            raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        try:
            draft = draft_from_text(raw, url=url, title=title, published=published)
        except DraftInputError as error:
            raise CommandError(str(error)) from error
        result = draft.as_json()
        if json:
            self.stdout.write(_json_dumps(result))
            return
        self.stdout.write(self.summary(result))

    def summary(self, result):
        lines = [
            f"Title:      {result['title'] or '—'}",
            f"Signed:     {result['signed'] or 'not stated'}",
            f"Published:  {result['published'] or 'not stated'}",
            f"Place:      {result['place'] or '—'}    City: {result['city'] or '—'}",
            f"Term:       {result['term'] or '—'}",
            "Parties:",
        ]
        for party in result["parties"]:
            known = f"matched {party['matched']}" if party["matched"] else "new institution"
            lines.append(f"  - {party['name']} ({party['abbreviation'] or '—'}; {known})")
        lines.append("People:")
        for person in result["people"]:
            lines.append(
                f"  - {person['name']}, {person['title'] or '—'}, "
                f"{person['institution'] or '—'}: {', '.join(person['roles'])}"
            )
        lines.append(f"Fields:     {'; '.join(result['focus_areas']) or '—'}")
        lines.append(f"Establishes: {'; '.join(result['established']) or '—'}")
        return "\n".join(lines)


def _json_dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=2)
