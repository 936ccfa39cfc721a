"""Pages for invitees and representatives: my rounds, round page, RSVP, discussion, clause history."""

from django import forms

from strategy_exchange.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a rule of the domain as a form error, next to its field when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
