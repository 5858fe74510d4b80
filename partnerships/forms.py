"""Admin formsets that state the directory's rules in an editor's words."""

from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet

from partnerships.models import AgreementParty


class EditorInlineFormSet(BaseInlineFormSet):
    """An inline whose duplicate rows are refused with the model constraint's own message.

    Django's generic "Please correct the duplicate data for person and role" names columns;
    the constraint's ``violation_error_message`` says what is wrong with the record.
    """

    def get_unique_error_message(self, unique_check):
        for constraint in self.model._meta.constraints:
            if (
                isinstance(constraint, UniqueConstraint)
                and set(constraint.fields) == set(unique_check)
                and constraint.violation_error_message != constraint.default_violation_error_message
            ):
                return constraint.violation_error_message
        return super().get_unique_error_message(unique_check)

    def kept_forms(self):
        """The rows that will remain: filled in (blank extra rows are empty) and not deleted."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not (self.can_delete and self._should_delete_form(form))
        ]


def kept_rows(data, prefix, field):
    """How many rows of the inline ``prefix`` in the posted ``data`` fill ``field`` and are
    not marked for deletion: another inline of the same page, seen from this one."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return 0
    return sum(
        1
        for index in range(min(total, 1000))
        if data.get(f"{prefix}-{index}-{field}") and not data.get(f"{prefix}-{index}-DELETE")
    )


class AgreementPartyFormSet(EditorInlineFormSet):
    """The parties of an agreement, checked together with its sources: a published
    agreement has a source and at least two parties, each cited by a quote."""

    def clean(self):
        super().clean()
        # The admin builds this formset around the agreement as the main form left it,
        # so ``status`` is the status being saved, not the stored one.
        parties = [
            AgreementParty(
                institution=form.cleaned_data["institution"],
                quote=form.cleaned_data.get("quote") or "",
            )
            for form in self.kept_forms()
            if form.cleaned_data.get("institution")
        ]
        sources = kept_rows(self.data, "source_links", "source")
        problems = self.instance.publication_problems(parties, sources)
        if problems:
            raise ValidationError(problems, code="not_publishable")
