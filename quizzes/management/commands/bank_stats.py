import json

from django.core.management.base import BaseCommand

from quizzes.selectors import bank_stats


class Command(BaseCommand):
    help = "Print per-exam counts of the question bank."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args, **options):
        stats = bank_stats()
        if options["json"]:
            self.stdout.write(json.dumps({"exams": stats}, ensure_ascii=False, indent=2))
            return
        for exam in stats:
            self.stdout.write(f"{exam['code']}: {exam['active']} active questions")
            for key in ("by_domain", "by_kind"):
                parts = ", ".join(f"{k}: {v}" for k, v in exam[key].items())
                self.stdout.write(f"  {key}: {parts}")
            for key in ("missing_ja", "missing_en", "missing_choice_explanations", "topics"):
                self.stdout.write(f"  {key}: {exam[key]}")
