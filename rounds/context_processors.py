"""What the navigation shows depends on who reads: signed in, organiser, staff."""

from functools import cached_property
from typing import NamedTuple

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

    def know_organiser(self, organiser: bool) -> None:
        """A view that learnt it with its own query: the navigation asks no more."""
        self.__dict__["organiser"] = organiser

    def state(self) -> "NavState":
        return NavState(self.signed_in, self.staff, self.organiser)


class NavState(NamedTuple):
    """The same, known in advance (from a query that asked for it): part of a cached page's key."""

    signed_in: bool
    staff: bool
    organiser: bool


def nav_of(request: HttpRequest) -> Nav:
    """The request's navigation state, made once (a view that knows it already may set it)."""
    if not hasattr(request, "nav"):
        request.nav = Nav(request.user)
    return request.nav


def nav(request: HttpRequest) -> dict:
    return {"nav": nav_of(request)}
