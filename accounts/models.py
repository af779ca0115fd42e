from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

INSTRUCTOR_GROUP = "instructor"


class User(AbstractUser):
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    @cached_property
    def is_instructor(self) -> bool:
        if self.is_superuser:
            return True
        return self.groups.filter(name=INSTRUCTOR_GROUP).exists()
