from django.db import migrations

from strategy_exchange.search import pending_lists_shorten

INDEXES = (
    "comment_search",
    "meeting_note_search",
)


def shorten(apps, schema_editor):
    pending_lists_shorten(schema_editor, index_names=INDEXES)


class Migration(migrations.Migration):
    dependencies = [("rounds", "0017_invitation_delivery_on_outbox")]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop, elidable=True)]
