"""The rows of this floor that belong to an organisation, for merging and deleting organisations
(``participants.merging``): invitations (with their attendance) and comments. Connected in ``rounds.apps``.

An invitation is unique per person and round, not per organisation, so moving invitations never collides:
two people of the two organisations invited to the same round both stay invited, each with their answer
and attendance."""

from django.utils.translation import gettext_lazy as _

from participants.merging import Mover, move_rows, mover_register
from participants.models import Organisation
from rounds.models import Comment, Invitation


def _invitations(organisation: Organisation):
    return Invitation.objects.filter(organisation=organisation)


def connect() -> None:
    mover_register(
        Mover(
            key="invitations",
            label=_("Einladungen"),
            order=20,
            count=lambda organisation: _invitations(organisation).count(),
            move=lambda source, target: move_rows(_invitations(source), target),
        )
    )
    mover_register(
        Mover(
            key="comments",
            label=_("Kommentare"),
            order=50,
            count=lambda organisation: Comment.objects.filter(organisation=organisation).count(),
            move=lambda source, target: move_rows(Comment.objects.filter(organisation=source), target),
        )
    )
    mover_register(
        Mover(
            key="attendance",
            label=_("Teilnahmen (mit den Einladungen)"),
            order=60,
            count=lambda organisation: _invitations(organisation).filter(attended_at__isnull=False).count(),
        )
    )
