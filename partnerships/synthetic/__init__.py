"""A synthetic directory at any scale: realistic, linked, and the same for the same seed.

``manage.py generate_directory`` drives it, and the benchmark (``bench/``) fills a
throwaway database with it. Names are built from word lists (English with Chinese
forms), so they look like the institutions and people of real press releases; none of
them is a fact, and every Source made here says it is synthetic.

- ``vocabulary``: the word lists (places, institution templates, names, titles, fields);
- ``generator``: what to make, drawn from one ``random.Random(seed)``;
- ``loader``: how rows reach the database (COPY, and foreign keys and indexes rebuilt
  once at the end, on PostgreSQL; ``bulk_create`` elsewhere).
"""

from .generator import DirectoryGenerator
from .loader import BATCH_SIZE, analyze

__all__ = ["BATCH_SIZE", "DirectoryGenerator", "analyze"]
