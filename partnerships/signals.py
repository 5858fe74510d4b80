"""Any saved or deleted directory record retires the cached facets and counts."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import DirectoryVersion


def directory_changed(sender, **kwargs):
    if sender is not DirectoryVersion and sender._meta.app_label == "partnerships":
        DirectoryVersion.bump()


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(directory_changed, dispatch_uid=f"directory-version-{signal}")
