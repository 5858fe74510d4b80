"""The pasted text: checks, the optional header, and sentences with their offsets."""

import re
from dataclasses import dataclass

MAX_TEXT_BYTES = 100 * 1024

# Function words that make up a large share of any English prose.
_ENGLISH_WORDS_TEXT = """
    the of and to in a an is was were will be by for with on at as that this from it its their
    has have had are two both which said signed agreement
"""
ENGLISH_WORDS = frozenset(_ENGLISH_WORDS_TEXT.split())
MIN_ENGLISH_SHARE = 0.12
MIN_WORDS = 8


class DraftInputError(ValueError):
    """The text cannot be drafted from; the message says why, in an editor's words."""


def check_text(raw):
    """Return the text as ``str``, or raise :class:`DraftInputError` saying what is wrong."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_TEXT_BYTES:
            raise DraftInputError(_too_long(len(raw)))
        if b"\x00" in raw:
            raise DraftInputError(BINARY_MESSAGE)
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise DraftInputError(BINARY_MESSAGE) from error
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DraftInputError("The text is empty: paste the press release.")
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise DraftInputError(_too_long(size))
    control = sum(1 for char in text if ord(char) < 32 and char not in "\n\t")
    if "\x00" in text or control > len(text) / 100:
        raise DraftInputError(BINARY_MESSAGE)
    latin = sum(char.isascii() for char in text if char.isalpha()) / max(
        1, sum(char.isalpha() for char in text)
    )
    words = re.findall(r"[^\W\d_]+", text.lower())
    if latin >= 0.8 and len(words) < MIN_WORDS:
        raise DraftInputError(
            "The text is too short to be a press release: paste the whole release."
        )
    share = sum(word in ENGLISH_WORDS for word in words) / max(1, len(words))
    if share < MIN_ENGLISH_SHARE or latin < 0.8:
        raise DraftInputError(
            "The text does not read as English. Drafting works on English press releases; "
            "paste the English version, or enter the agreement by hand."
        )
    return text


BINARY_MESSAGE = (
    "This looks like a binary file (a PDF, Word document or image), not text. "
    "Copy the text of the release and paste it."
)


def _too_long(size):
    return (
        f"The text is {size // 1024} KB; a press release fits in {MAX_TEXT_BYTES // 1024} KB. "
        "Paste only the release itself."
    )


HEADER_LINE = re.compile(
    r"^(?P<key>source|url|title|published|publication date|date)\s*:\s*(?P<value>.+?)\s*$",
    re.IGNORECASE,
)


@dataclass
class Header:
    url: str = ""
    title: str = ""
    published: str = ""


def read_header(text):
    """``Source: URL`` / ``Title: …`` / ``Published: …`` lines at the very top, if any.

    Returns the header and the offset where the release itself begins.
    """
    header = Header()
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped and offset == 0:
            offset += len(line)
            continue
        match = HEADER_LINE.match(stripped)
        if not match:
            break
        key, value = match["key"].lower(), match["value"]
        if key in ("source", "url") and re.match(r"https?://\S+$", value):
            header.url = value
        elif key == "title":
            header.title = value
        elif key in ("published", "publication date", "date"):
            header.published = value
        else:
            break
        offset += len(line)
    return header, offset


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    line_start: bool  # begins a line: headlines, datelines and list items do


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS_TEXT = """
    prof dr mr mrs ms st no vs etc jan feb mar apr jun jul aug sep sept oct nov dec assoc mich
    calif inc ltd co corp jr sr dept gen col lt u.s e.g i.e
"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
# Photo file names glued to captions in copied pages ("1.jpgProf. YANG Renshu …").
FILE_NAMES = re.compile(r"\b\d*\.?\w*\.(?:jpe?g|png|gif|webp)", re.IGNORECASE)


def clean(text):
    """Blank out photo file names, keeping every offset where it was."""
    return FILE_NAMES.sub(lambda match: " " * len(match.group()), text)


def split_sentences(text, start=0):
    """Sentences of ``text[start:]``: each paragraph apart, then at full stops that end one.

    A line break inside a paragraph (text wrapped by an e-mail or a PDF) joins the lines;
    a short line (a headline, a dateline, a caption) stands alone.
    """
    sentences = []
    for block_start, block_end in _blocks(text, start):
        piece_start = block_start
        for match in BOUNDARY.finditer(text, block_start, block_end):
            word = re.search(r"([\w.]+)[.!?][\"”’)]?\s*$", text[piece_start : match.end()])
            before = word.group(1).lower() if word else ""
            if before in ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                continue
            _add(sentences, text, piece_start, match.start())
            piece_start = match.end()
        _add(sentences, text, piece_start, block_end)
    return sentences


WRAPPED_LINE_LENGTH = 60


def _blocks(text, start):
    block_start = position = start
    lines = text[start:].split("\n")
    for number, line in enumerate(lines):
        end = position + len(line)
        following = lines[number + 1] if number + 1 < len(lines) else ""
        words = line.split()
        wrapped = (
            len(line.strip()) >= WRAPPED_LINE_LENGTH
            and not line.rstrip().endswith((".", "!", "?", ":", "”", '"'))
            and following.strip()
            # A Title Case line is a headline, and a "Label: …" line stands alone.
            and sum(word[:1].islower() for word in words) >= 0.3 * len(words)
            and not re.match(r"\s*[A-Z][\w ]{0,20}:", following)
        )
        if not wrapped:
            yield block_start, end
            block_start = end + 1
        position = end + 1


def _add(sentences, text, start, end):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        line_start = start == 0 or text[:start].rstrip(" \t").endswith("\n") or start == 0
        sentences.append(Sentence(len(sentences), start, end, text[start:end], line_start))
