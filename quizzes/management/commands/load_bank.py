from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bankfile import BankError
from quizzes.services.bank import DEFAULT_BANK, bank_load


class Command(BaseCommand):
    help = "Validate the YAML question bank and load all of it, or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_BANK), help="bank directory")

    def handle(self, *args, path, **options):
        try:
            result = bank_load(path=Path(path))
        except BankError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"{len(exc.errors)} problem(s) found; nothing was loaded.") from exc
        self.stdout.write(self.style.SUCCESS(f"Bank loaded: {result.summary()}."))
