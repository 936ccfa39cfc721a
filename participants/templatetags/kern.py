"""Template helpers for the KERN design system, used by the shared form templates."""

from django import template
from django.forms import BoundField

register = template.Library()

WIDGET_CLASSES = {
    "checkbox": "kern-form-check__checkbox",
    "radioselect": "kern-form-check__radio",
    "checkboxselectmultiple": "kern-form-check__checkbox",
    "select": "kern-form-input__select",
    "selectmultiple": "kern-form-input__select",
    "nullbooleanselect": "kern-form-input__select",
}


@register.simple_tag
def kern_widget(field: BoundField):
    """Render a field's widget with the KERN classes and its error state for assistive technology."""
    css = WIDGET_CLASSES.get(field.widget_type, "kern-form-input__input")
    classes = [field.field.widget.attrs.get("class", ""), css]
    attrs = {}
    if field.errors:
        classes.append(f"{css}--error")
        attrs["aria-invalid"] = "true"
        described = [f"{field.auto_id}_error"]
        if field.help_text:
            described.append(f"{field.auto_id}_helptext")
        attrs["aria-describedby"] = " ".join(described)
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def kern_choice(choice, widget_type: str):
    """One option of a radio or checkbox group, as a KERN radio button or checkbox."""
    css = WIDGET_CLASSES.get(widget_type, "kern-form-check__checkbox")
    attrs = choice.data.setdefault("attrs", {})
    attrs["class"] = " ".join(c for c in (attrs.get("class", ""), css) if c)
    return choice.tag()
