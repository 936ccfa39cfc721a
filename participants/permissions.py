"""Who may change what on the ground floor: an organisation's strategy belongs to its representatives."""

from collections.abc import Callable

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


# Who keeps the shared directory of organisations (and the clause library on the floor above): staff, and
# the people the floors above name. ``rounds`` registers its organisers (``rounds.apps``), so that this floor
# needs no import of the series that define them.
_maintainer_checks: list[Callable[[AnyUser], bool]] = []


def maintainer_check_register(check: Callable[[AnyUser], bool]) -> None:
    if check not in _maintainer_checks:
        _maintainer_checks.append(check)


def can_maintain_directory(user: AnyUser) -> bool:
    """Create, edit, merge and delete organisations (and edit clauses): organisers and staff."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff) or any(check(user) for check in _maintainer_checks)


def can_view_strategies(user: AnyUser) -> bool:
    """Signed-in people compare the organisations' strategies and positions (the matrix, the strategy files)."""
    return bool(user.is_authenticated and user.is_active)
