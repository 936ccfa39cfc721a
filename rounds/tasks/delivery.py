"""Invitation delivery tasks."""

from celery import shared_task

from rounds.services import delivery


@shared_task
def send_invitation(invitation_id: int) -> None:
    delivery.invitation_deliver(invitation_id=invitation_id)


__all__ = ["send_invitation"]
