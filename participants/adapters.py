from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Open self-registration is off: accounts come only from invitations."""

    def is_open_for_signup(self, request) -> bool:
        return False
