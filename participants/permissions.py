"""Who may change what on the ground floor: an organisation's strategy belongs to its representatives."""

from django.contrib.auth.models import AnonymousUser

from .models import Organisation, User

AnyUser = User | AnonymousUser


def is_member(user: AnyUser, organisation: Organisation) -> bool:
    return bool(user.is_authenticated) and organisation.memberships.filter(user=user).exists()


def can_edit_strategy(user: AnyUser, organisation: Organisation) -> bool:
    """The organisation's representatives maintain its strategy and positions; staff may help."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or is_member(user, organisation)


def can_view_strategies(user: AnyUser) -> bool:
    """Signed-in people compare the organisations' strategies and positions (the matrix, the strategy files)."""
    return bool(user.is_authenticated and user.is_active)
