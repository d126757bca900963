# A monthly quota is at most the hours of the longest month (31 × 24 = 744). A quota set
# higher before this bound never limited anyone (no month has more hours), so it is
# lowered to 744: the same effect, and the row passes its model's checks on its next edit.

import django.core.validators
from django.db import migrations, models

MAX_HOURS = 744


def lower_quotas(apps, schema_editor):
    Resource = apps.get_model("facilities", "Resource")
    UserQuota = apps.get_model("facilities", "UserQuota")
    Resource.objects.filter(monthly_quota_hours__gt=MAX_HOURS).update(
        monthly_quota_hours=MAX_HOURS
    )
    UserQuota.objects.filter(monthly_hours__gt=MAX_HOURS).update(monthly_hours=MAX_HOURS)


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0007_training_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="resource",
            name="monthly_quota_hours",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MaxValueValidator(
                        744,
                        message="A month has at most %(limit_value)s hours: a quota cannot be higher.",
                    )
                ],
                verbose_name="quota per user (hours per month)",
            ),
        ),
        migrations.AlterField(
            model_name="userquota",
            name="monthly_hours",
            field=models.PositiveIntegerField(
                validators=[
                    django.core.validators.MaxValueValidator(
                        744,
                        message="A month has at most %(limit_value)s hours: a quota cannot be higher.",
                    )
                ],
                verbose_name="hours per month",
            ),
        ),
        migrations.RunPython(lower_quotas, migrations.RunPython.noop),
    ]
