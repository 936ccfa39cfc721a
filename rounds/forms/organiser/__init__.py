"""Forms of the organiser pages, one module per concept. Each form is scoped by keyword arguments."""
