"""Sessions of the people who open the pages: real logins, stored where the server reads its sessions."""

from django.conf import settings

from bench.queries import logged_in_client


def session_cookie(*, user_id: int | None) -> str | None:
    """A real session of the user in the database the server reads, as a Cookie header value."""
    if user_id is None:
        return None
    client = logged_in_client(user_id=user_id)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def reader_cookies(*, user_ids: tuple[int, ...] | list[int]) -> list[str]:
    """One session per person (each a login of its own), as Cookie header values in the same order."""
    return [session_cookie(user_id=user_id) for user_id in dict.fromkeys(user_ids)]
