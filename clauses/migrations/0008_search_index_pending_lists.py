from django.db import migrations

from strategy_exchange.search import pending_lists_shorten

INDEXES = (
    "clause_search",
    "position_search",
)


def shorten(apps, schema_editor):
    pending_lists_shorten(schema_editor, index_names=INDEXES)


class Migration(migrations.Migration):
    dependencies = [("clauses", "0007_search_vectors")]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop, elidable=True)]
