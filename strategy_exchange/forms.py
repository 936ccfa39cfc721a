"""Form rendering in the KERN design: one renderer and one field template for every form."""

from django import forms
from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


MAX_ID = 2**63 - 1  # the largest id the databases store (SQLite raises OverflowError past it)


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that refuses ids the database cannot hold before it queries them; a
    number like 99999999999999999999 is an invalid choice like any other unknown id."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        if key == "pk":
            for pk in value:
                text = str(pk).strip()
                if not (text.isdigit() and 0 < int(text) <= MAX_ID):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                    )
        return super()._check_values(value)
