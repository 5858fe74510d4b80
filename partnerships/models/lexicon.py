"""The words search corrects typos against."""

from django.db import models


class SearchWord(models.Model):
    """Every distinct word of the stored search vectors (PostgreSQL only; kept by the
    write path). A misspelt word is matched by trigram similarity against these short
    words, through a trigram index, instead of against every whole search document."""

    DERIVED_DATA = True  # Writing it is not a change of the directory.

    word = models.CharField(max_length=100, primary_key=True)

    def __str__(self):
        return self.word
