"""The messages of the rounds app in the outbox: each kind's renderer and what to note once it is out.

Invitations, calendar updates and cancellations are not here: the invitation is their row
(``rounds.services.delivery``).
"""

from rounds.services import comments, reminders, report_delivery, scheduling
from strategy_exchange.outbox import outbox_kind_register


def outbox_kinds_register() -> None:
    outbox_kind_register("reminder", render=reminders.reminder_render, sent=reminders.reminder_sent)
    outbox_kind_register("organiser_nudge", render=reminders.organiser_nudge_render)
    outbox_kind_register("report", render=report_delivery.report_render, sent=report_delivery.report_sent)
    outbox_kind_register("comment_reply", render=comments.comment_reply_render)
    outbox_kind_register("round_proposal", render=scheduling.round_proposal_render)
    outbox_kind_register("strategy_update", render=scheduling.strategy_update_render)
