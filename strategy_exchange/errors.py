class DomainError(Exception):
    """A rule of the domain was broken. Views show it as a form error (on ``field``) or a message."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
