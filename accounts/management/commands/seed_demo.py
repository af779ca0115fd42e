from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.roles import user_make_instructor

DEMO = [
    ("learner", "learner@example.com", "mogi-learner-2026", False),
    ("instructor", "instructor@example.com", "mogi-instructor-2026", True),
]


class Command(BaseCommand):
    help = "Create the demo learner and instructor accounts (development only) and print them."

    def handle(self, *args, **options):
        for username, email, password, instructor in DEMO:
            user, created = User.objects.get_or_create(username=username, defaults={"email": email})
            if created:
                user.set_password(password)
                user.save()
            if instructor:
                user_make_instructor(user=user)
            role = "instructor" if instructor else "learner"
            self.stdout.write(f"  {role:<10} log in as {username!r} with password {password!r}")
