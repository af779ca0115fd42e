from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.models import User
from accounts.roles import user_make_instructor


class Command(BaseCommand):
    help = "Promote a user (by e-mail or username) to instructor."

    def add_arguments(self, parser):
        parser.add_argument("who", help="e-mail address or username")

    def handle(self, *args, who, **options):
        user = User.objects.filter(Q(username=who) | Q(email__iexact=who)).first()
        if user is None:
            raise CommandError(f"No user with username or e-mail {who!r}.")
        user_make_instructor(user=user)
        self.stdout.write(self.style.SUCCESS(f"{user.username} is now an instructor."))
