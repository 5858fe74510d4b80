"""Score drafts against hand-read records: per kind of fact, precision and recall."""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .extract import draft_from_text
from .names import name_key, parse_person_name

FACT_KINDS = ("parties", "signed", "people", "roles", "focus_areas", "established")


@dataclass
class Tally:
    right: int = 0
    proposed: int = 0
    expected: int = 0
    misses: list = field(default_factory=list)

    @property
    def precision(self):
        return self.right / self.proposed if self.proposed else 1.0

    @property
    def recall(self):
        return self.right / self.expected if self.expected else 1.0


def normalise(text):
    text = (text or "").lower().replace("’", "'")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def person_key(name):
    parsed = parse_person_name(name)
    return " ".join(sorted(name_key(parsed.family_name, parsed.given_name).split()))


def same_body(proposed, expected):
    a, b = normalise(proposed), normalise(expected)
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return bool(shorter) and shorter in longer and len(shorter) >= 0.6 * len(longer)


def party_matches(proposed, expected):
    names = {normalise(proposed["name"]), normalise(proposed.get("abbreviation"))} - {""}
    wanted = {normalise(expected["name"]), normalise(expected.get("abbreviation"))} - {""}
    if expected.get("slug") and proposed.get("matched") == expected["slug"]:
        return True
    return bool(names & wanted)


def _match(tally, proposed, expected, same, label):
    remaining = list(expected)
    tally.proposed += len(proposed)
    tally.expected += len(expected)
    for item in proposed:
        found = next((wanted for wanted in remaining if same(item, wanted)), None)
        if found is None:
            tally.misses.append(f"{label}: proposed {item!r}, not in the record")
        else:
            remaining.remove(found)
            tally.right += 1
    for wanted in remaining:
        tally.misses.append(f"{label}: missed {wanted!r}")


def score_document(draft_json, truth, tallies, label):
    _match(tallies["parties"], draft_json["parties"], truth["parties"], party_matches, label)
    signed = [draft_json["signed"]] if draft_json["signed"] else []
    wanted = [truth["signed"]] if truth["signed"] else []
    _match(tallies["signed"], signed, wanted, lambda a, b: a == b, label)
    proposed_people = {person_key(p["name"]): p for p in draft_json["people"]}
    truth_people = {person_key(p["name"]): p for p in truth["people"]}
    _match(tallies["people"], list(proposed_people), list(truth_people), str.__eq__, label)
    proposed_roles = [(key, role) for key, p in proposed_people.items() for role in p["roles"]]
    truth_roles = [(key, role) for key, p in truth_people.items() for role in p["roles"]]
    _match(tallies["roles"], proposed_roles, truth_roles, tuple.__eq__, label)
    _match(
        tallies["focus_areas"],
        draft_json["focus_areas"],
        truth["focus_areas"],
        lambda a, b: a == b,
        label,
    )
    _match(
        tallies["established"], draft_json["established"], truth["established"], same_body, label
    )


def evaluate(directory, truth_path, gazetteer=None):
    """Draft every document the truth file names and tally the facts per kind."""
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))["documents"]
    tallies = {kind: Tally() for kind in FACT_KINDS}
    for name, record in sorted(truth.items()):
        text = (Path(directory) / name).read_text(encoding="utf-8")
        draft = draft_from_text(text, gazetteer=gazetteer)
        score_document(draft.as_json(), record, tallies, name)
    return tallies


def overall(tallies):
    right = sum(t.right for t in tallies.values())
    proposed = sum(t.proposed for t in tallies.values())
    expected = sum(t.expected for t in tallies.values())
    return Tally(right, proposed, expected)
