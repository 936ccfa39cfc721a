"""Notification tasks of the discussion: thin wrappers taking ids."""

from celery import shared_task

from rounds.services import comments


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_comment_reply_email(comment_id: int) -> None:
    """Tell the parent comment's author about a reply (at most once, see ``comment_reply_notify``)."""
    comments.comment_reply_notify(comment_id=comment_id)


__all__ = ["send_comment_reply_email"]
