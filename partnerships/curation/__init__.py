"""Help for editors curating the directory.

``addresses``: old addresses, duplicates, merges. Drafting from a pasted press release:
``extract.draft_from_text`` reads a release with deterministic rules and the directory's
own names (institutions, their acronyms and other names; fields and their synonyms) and
proposes a record in which every fact keeps the sentence it came from; ``save`` turns a
reviewed proposal into a draft agreement; ``evaluate`` scores proposals against hand-read
records.
"""
