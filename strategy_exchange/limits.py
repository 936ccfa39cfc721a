"""The largest input the application stores, in one place: forms refuse more with a German message next to
the field, and services refuse it again, so that no path (admin, scripts, another form) stores more."""

EMAIL_MAX_LENGTH = 254  # the longest address SMTP can deliver to (RFC 5321 path limit) and User.email holds
COMMENT_MAX_LENGTH = 10_000  # characters of Markdown in one comment
NOTE_MAX_LENGTH = 50_000  # characters of Markdown in one meeting note
