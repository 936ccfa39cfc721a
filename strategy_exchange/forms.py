"""Form rendering in the KERN design: one renderer and one field template for every form."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import format_html, format_html_join


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


def _attributes(attrs: dict) -> str:
    """HTML attributes in their order, as ``django/forms/widgets/attrs.html`` writes them."""
    return format_html_join(
        "",
        "{}{}",
        (
            (f" {name}", format_html('="{}"', value) if value is not True else "")
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class QuickSelect(forms.Select):
    """A select that writes its options out in Python, as Django's templates would render them: with a few
    hundred choices (the rounds a reader may filter by) a template render per option costs tens of ms."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option["value"]), _attributes(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], _attributes(widget["attrs"]), options)
