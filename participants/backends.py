"""Signing in by email address (allauth), and the signed-in person read cheaply on every request."""

from allauth.account.auth_backends import AuthenticationBackend as EmailAuthenticationBackend

from . import selectors


class AuthenticationBackend(EmailAuthenticationBackend):
    """allauth's backend (email and password; permissions as Django's ``ModelBackend``), with the person of
    a session read by one prepared statement instead of a query built anew for every request."""

    def get_user(self, user_id):
        user = selectors.user_of_session(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
