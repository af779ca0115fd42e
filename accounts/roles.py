"""Roles: every user is a learner; instructors belong to the instructor group."""

from django.contrib.auth.models import Group, Permission

from .models import INSTRUCTOR_GROUP, User

# The question-bank permissions instructors hold.
INSTRUCTOR_MODELS = ("question", "questionversion", "choice", "topic", "exam", "domain")


def instructor_group() -> Group:
    group, _ = Group.objects.get_or_create(name=INSTRUCTOR_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label="quizzes", content_type__model__in=INSTRUCTOR_MODELS
    )
    group.permissions.set(perms)
    return group


def user_make_instructor(*, user: User) -> None:
    """Promote a user to instructor (idempotent)."""
    user.groups.add(instructor_group())
