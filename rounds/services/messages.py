"""The messages of the rounds app in the outbox: each kind's renderer and what to note once it is out.

Invitations, calendar updates and cancellations are prepared a batch at a time (one round's part rendered once
for all its invitees) and mirror their outcome onto the invitation (``rounds.services.delivery``).
"""

from rounds.services import comments, delivery, reminders, report_delivery, scheduling
from strategy_exchange.outbox import outbox_kind_register


def outbox_kinds_register() -> None:
    for kind in delivery.INVITATION_KINDS:
        outbox_kind_register(kind, prepare=delivery.invitation_messages_prepare)
    outbox_kind_register("reminder", render=reminders.reminder_render, sent=reminders.reminder_sent)
    outbox_kind_register("organiser_nudge", render=reminders.organiser_nudge_render)
    outbox_kind_register("report", render=report_delivery.report_render, sent=report_delivery.report_sent)
    outbox_kind_register("comment_reply", render=comments.comment_reply_render)
    outbox_kind_register("round_proposal", render=scheduling.round_proposal_render)
    outbox_kind_register("strategy_update", render=scheduling.strategy_update_render)
