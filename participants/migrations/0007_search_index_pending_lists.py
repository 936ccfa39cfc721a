from django.db import migrations

from strategy_exchange.search import pending_lists_shorten

INDEXES = (
    "organisation_search",
    "strategy_search",
    "strategy_page_search",
)


def shorten(apps, schema_editor):
    pending_lists_shorten(schema_editor, index_names=INDEXES)


class Migration(migrations.Migration):
    dependencies = [("participants", "0006_strategy_page_generated_vector")]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop, elidable=True)]
