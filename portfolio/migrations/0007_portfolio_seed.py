import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import migrations, models

import portfolio.models


def give_each_portfolio_its_own_seed(apps, schema_editor):
    """AddField computes a callable default once for every existing row: give each portfolio a seed of its own."""
    Portfolio = apps.get_model("portfolio", "Portfolio")
    for pk in Portfolio.objects.values_list("pk", flat=True):
        Portfolio.objects.filter(pk=pk).update(seed=secrets.randbits(62))


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0006_portfolio_texts_xml_safe_and_import_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="portfolio",
            name="seed",
            field=models.BigIntegerField(
                default=portfolio.models.new_portfolio_seed,
                help_text="Random seed of the Monte Carlo draws: each project draws from its own streams of it, so a "
                "figure moves only when an input it depends on moves. Changing it redraws everything.",
                validators=[MinValueValidator(0), MaxValueValidator(9223372036854775807)],
            ),
        ),
        migrations.RunPython(give_each_portfolio_its_own_seed, migrations.RunPython.noop),
    ]
