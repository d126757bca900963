"""Funding's notifications become the platform's notices (``core.Notice`` from
``funding``): every one is carried over with its recipient, words, link, time and whether
it was read. The old table is dropped by the next migration."""

from django.db import migrations

SOURCE = "funding"  # frozen here (a migration must not follow later edits)


def carry_over(apps, schema_editor):
    Notification = apps.get_model("funding", "Notification")
    Notice = apps.get_model("core", "Notice")
    for n in Notification.objects.order_by("created_at", "id").iterator():
        notice = Notice.objects.create(
            recipient_id=n.recipient_id,
            source=SOURCE,
            subject=n.subject[:300],
            body=n.body,
            url=n.url[:300],
            read_at=n.read_at,
        )
        # created_at is auto_now_add: set the original time after the insert
        Notice.objects.filter(pk=notice.pk).update(created_at=n.created_at)


def carry_back(apps, schema_editor):
    Notification = apps.get_model("funding", "Notification")
    Notice = apps.get_model("core", "Notice")
    for n in Notice.objects.filter(source=SOURCE).order_by("created_at", "id").iterator():
        note = Notification.objects.create(
            recipient_id=n.recipient_id,
            subject=n.subject,
            body=n.body,
            url=n.url,
            read_at=n.read_at,
        )
        Notification.objects.filter(pk=note.pk).update(created_at=n.created_at)
    Notice.objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_notice"),
        ("funding", "0006_awards_information_requests"),
    ]

    operations = [migrations.RunPython(carry_over, carry_back)]
