"""Admin formsets that state the directory's rules in an editor's words."""

from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet


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


class AgreementPartyFormSet(EditorInlineFormSet):
    """The parties of an agreement, checked together: a published agreement has at least two."""

    def clean(self):
        super().clean()
        # The admin builds this formset around the agreement as the main form left it,
        # so ``status`` is the status being saved, not the stored one.
        party_count = sum(1 for form in self.kept_forms() if form.cleaned_data.get("institution"))
        problems = self.instance.publication_problems(party_count)
        if problems:
            raise ValidationError(problems, code="too_few_parties")
