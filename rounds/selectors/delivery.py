"""Read queries about sending: the organiser's progress display."""

from django.db.models import Count

from rounds.models import Invitation, Round


def round_delivery_progress(round_: Round) -> dict[str, int]:
    """Invitations of the round per delivery state (``pending``, ``queued``, ``sending``, ``sent``, ``failed``),
    plus ``total``, ``done`` (sent or failed) and ``percent`` done, in one query."""
    counts = dict.fromkeys(Invitation.Delivery.values, 0)
    for row in round_.invitations.order_by().values("delivery").annotate(n=Count("pk")):
        counts[row["delivery"]] = row["n"]
    total = sum(counts.values())
    done = counts[Invitation.Delivery.SENT] + counts[Invitation.Delivery.FAILED]
    return {**counts, "total": total, "done": done, "percent": round(100 * done / total) if total else 100}
