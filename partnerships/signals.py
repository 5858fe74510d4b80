"""Single writes reach the write path through model signals (see ``write_path.py``)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import write_path

# Foreign keys of a row before it is saved, by instance (popped again after the save).
_PREVIOUS = "_write_path_previous"


def before_save(sender, instance, raw=False, **kwargs):
    # A fixture load (raw) writes rows as they are; nothing earlier to remember.
    if not raw:
        setattr(instance, _PREVIOUS, write_path.previous_values(instance))


def saved(sender, instance, using, created=False, raw=False, **kwargs):
    previous = instance.__dict__.pop(_PREVIOUS, None)
    # A new record is quoted nowhere yet; a fixture row (raw) may be one reloaded in
    # place, so what quotes it is rebuilt too, but its owners keep the times loaded
    # with them (a restore or a fixture says when they changed).
    write_path.report_instance(
        instance, using, previous, own_only=created and not raw, touch=not raw
    )


def deleted(sender, instance, using, **kwargs):
    write_path.report_instance(instance, using)


def links_changed(sender, instance, action, model, pk_set, using, **kwargs):
    if not action.startswith("post_"):
        return
    # A link changes the documents of both ends, not of what quotes them.
    write_path.report_instance(instance, using, own_only=True)
    if pk_set:
        write_path.report_rows(model, [model(pk=pk) for pk in pk_set], using, own_only=True)
    elif action == "post_clear":
        write_path.report_model(model, using)


def connect():
    pre_save.connect(before_save, dispatch_uid="write-path-pre-save")
    post_save.connect(saved, dispatch_uid="write-path-save")
    post_delete.connect(deleted, dispatch_uid="write-path-delete")
    m2m_changed.connect(links_changed, dispatch_uid="write-path-links")
