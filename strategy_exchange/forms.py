"""Form rendering in the KERN design: one renderer and one field template for every form."""

from django.forms.renderers import TemplatesSetting


class KernFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
