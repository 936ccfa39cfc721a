import django.db.models.deletion
from django.db import migrations, models

TOOK_PLACE = ("held", "published")


def fix_discussed_revisions(apps, schema_editor):
    """Every agenda item of a round that took place gets the version of its clause in force when the round
    began (the last one saved before it; a round older than every version discussed the first one)."""
    AgendaItem = apps.get_model("rounds", "AgendaItem")
    ClauseRevision = apps.get_model("clauses", "ClauseRevision")
    items = AgendaItem.objects.filter(round__status__in=TOOK_PLACE, clause_revision__isnull=True)
    for item in items.select_related("round").iterator():
        revisions = ClauseRevision.objects.filter(clause_id=item.clause_id)
        chosen = (
            revisions.filter(created_at__lte=item.round.starts_at).order_by("-revision").first()
            or revisions.order_by("revision").first()
        )
        if chosen is not None:
            AgendaItem.objects.filter(pk=item.pk).update(clause_revision=chosen, version=models.F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [
        ("clauses", "0007_search_vectors"),
        ("rounds", "0014_round_recorded_afterwards_report_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="clause_revision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="agenda_items",
                to="clauses.clauserevision",
                verbose_name="besprochene Fassung",
            ),
        ),
        migrations.RunPython(fix_discussed_revisions, migrations.RunPython.noop),
    ]
