from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from quizzes import scoring


def finish_extra_attempts(apps, schema_editor):
    """Close all but the newest in-progress attempt per (user, exam, mode), scoring them."""
    Attempt = apps.get_model("quizzes", "Attempt")
    Choice = apps.get_model("quizzes", "Choice")
    now = timezone.now()
    seen = set()
    running = Attempt.objects.filter(status="in_progress").order_by("-started_at")
    for attempt in running:
        group = (attempt.user_id, attempt.exam_id, attempt.mode)
        if group not in seen:
            seen.add(group)
            continue
        items = list(attempt.items.all())
        correct = {}
        for vid, cid in Choice.objects.filter(
            version_id__in={i.version_id for i in items}, is_correct=True
        ).values_list("version_id", "id"):
            correct.setdefault(vid, set()).add(cid)
        for item in items:
            item.is_correct = scoring.is_correct(item.selected, correct.get(item.version_id, ()))
            item.save(update_fields=["is_correct"])
        n_correct = sum(i.is_correct for i in items)
        attempt.status = "finished"
        attempt.finish_reason = "time_up"
        attempt.finished_at = min(now, attempt.deadline) if attempt.deadline else now
        attempt.correct_count = n_correct
        attempt.passed = scoring.passed(n_correct, attempt.question_count, attempt.pass_ratio)
        attempt.save()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_studio"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(finish_extra_attempts, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="attempt",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "in_progress")),
                fields=("user", "exam", "mode"),
                name="one_attempt_in_progress_per_exam_and_mode",
            ),
        ),
    ]
