"""What the navigation shows depends on who reads: signed in, organiser, staff."""

from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest

from rounds import permissions


class Nav:
    """The reader's navigation state, worked out when a template first asks (organiser costs a query)."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def signed_in(self) -> bool:
        return bool(self._user.is_authenticated)

    @cached_property
    def staff(self) -> bool:
        return permissions.is_staff(self._user)

    @cached_property
    def organiser(self) -> bool:
        return permissions.is_organiser(self._user)


@dataclass(frozen=True)
class NavState:
    """The same, known in advance (from a query that asked for it): part of a cached page's key."""

    signed_in: bool
    staff: bool
    organiser: bool


def nav(request: HttpRequest) -> dict:
    return {"nav": Nav(request.user)}
