"""What the navigation shows depends on who reads: signed in, organiser, staff, representative of an organisation.

It shows only pages the reader may open: "Unsere Strategie" to representatives of an organisation, the
organisers' overview to organisers, the administration to staff."""

from functools import cached_property
from typing import NamedTuple

from django.http import HttpRequest
from django.urls import reverse

from rounds import permissions


class Nav:
    """The reader's navigation state, worked out when a template first asks: whether they organise a series
    and whether they represent an organisation come from one query (:func:`permissions.reader_roles`), or
    from a page's own head query that already answered them (:meth:`know`)."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def signed_in(self) -> bool:
        return bool(self._user.is_authenticated)

    @cached_property
    def staff(self) -> bool:
        return permissions.is_staff(self._user)

    @cached_property
    def _roles(self) -> tuple[bool, bool]:
        return permissions.reader_roles(self._user)

    @cached_property
    def organiser(self) -> bool:
        return self.staff or self._roles[0]

    @cached_property
    def member(self) -> bool:
        """Represents an organisation: "Unsere Strategie" opens for them only."""
        return self._roles[1]

    def know(self, *, organiser: bool, member: bool) -> None:
        """A view that learnt both with its own query: the navigation asks no more."""
        self.__dict__["organiser"] = organiser
        self.__dict__["member"] = member

    def for_user(self, user) -> "Nav":
        """The navigation of another reader of this request: the person who just signed in."""
        return Nav(user)

    @property
    def landing_url(self) -> str:
        """Where a reader starts after signing in: organisers on their overview, everyone else on their
        rounds ("Meine Runden")."""
        if self.organiser:
            return reverse("orga:dashboard")
        return reverse("rounds:my_rounds") if self.signed_in else reverse("home")

    def state(self) -> "NavState":
        return NavState(self.signed_in, self.staff, self.organiser, self.member)


class NavState(NamedTuple):
    """The same, known in advance (from a query that asked for it): part of a cached page's key."""

    signed_in: bool
    staff: bool
    organiser: bool
    member: bool


def nav_of(request: HttpRequest) -> Nav:
    """The request's navigation state, made once (a view that knows it already may set it)."""
    if not hasattr(request, "nav"):
        request.nav = Nav(request.user)
    return request.nav


def nav(request: HttpRequest) -> dict:
    return {"nav": nav_of(request)}
