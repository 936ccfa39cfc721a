"""Form rendering in the KERN design: one renderer and one field template for every form."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe


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
    """A select that writes its options out in Python from its choices, as Django's templates would render
    them (groups as ``<optgroup>``): with a few hundred choices (the rounds a reader may filter by) a
    template render, or only the context Django builds, per option costs milliseconds."""

    @staticmethod
    def _option(value, label, selected: set[str]) -> str:
        value = "" if value is None else str(value)
        chosen = " selected" if value in selected else ""
        return f'<option value="{conditional_escape(value)}"{chosen}>{conditional_escape(label)}</option>'

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        selected = {str(each) for each in self.format_value(value)}
        parts = []
        for group, label in self.choices:
            if isinstance(label, list | tuple):
                options = "".join(self._option(value, text, selected) for value, text in label)
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, mark_safe(options)))  # noqa: S308
            else:
                parts.append(self._option(group, label, selected))
        return format_html('<select name="{}"{}>{}</select>', name, _attributes(attrs), mark_safe("".join(parts)))  # noqa: S308
