import django.contrib.postgres.search
from django.db import migrations, models

import strategy_exchange.search


class Migration(migrations.Migration):
    """The page's search vector becomes a column the database generates from the text (as for the other rows
    search finds), so that the site search and the clause suggestions read the same vector."""

    dependencies = [
        ("participants", "0005_search_vectors"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="strategypage", name="strategy_page_search"),
        migrations.RemoveField(model_name="strategypage", name="search_vector"),
        migrations.AddField(
            model_name="strategypage",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=strategy_exchange.search.DocumentVector(("text", "A")),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="strategypage",
            index=strategy_exchange.search.SearchIndex(fields=["search_vector"], name="strategy_page_search"),
        ),
    ]
