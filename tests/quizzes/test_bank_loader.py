import random
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from quizzes.bankfile import BankError, read_bank
from quizzes.models import Question, QuestionVersion
from quizzes.services import attempts as engine
from quizzes.services.bank import bank_load

pytestmark = pytest.mark.django_db
BANK = Path(__file__).resolve().parents[2] / "quizzes" / "bank"


def question(key, task="1.1", correct=0, **extra):
    data = {
        "key": key,
        "task": task,
        "topics": ["iam"],
        "difficulty": 2,
        "stem": {"ja": f"{key} の問題", "en": f"Question {key}"},
        "choices": [
            {
                "text": {"ja": f"選択肢{i}", "en": f"Option {i}"},
                "correct": i == correct,
                "why": {"ja": f"理由{i}", "en": f"Why {i}"},
            }
            for i in range(4)
        ],
        "explanation": {"ja": "解説", "en": "Explanation"},
        "references": ["https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction.html"],
    }
    data.update(extra)
    return data


@pytest.fixture
def bank_dir(tmp_path):
    shutil.copy(BANK / "topics.yaml", tmp_path / "topics.yaml")
    (tmp_path / "SAA-C03" / "questions").mkdir(parents=True)
    shutil.copy(BANK / "SAA-C03" / "exam.yaml", tmp_path / "SAA-C03" / "exam.yaml")
    return tmp_path


def write(bank_dir, name, questions):
    path = bank_dir / "SAA-C03" / "questions" / name
    path.write_text(yaml.safe_dump({"questions": questions}, allow_unicode=True), encoding="utf-8")
    return path


def test_it_loads_a_valid_bank_and_a_second_run_changes_nothing(bank_dir):
    write(bank_dir, "a.yaml", [question("t11-a"), question("t11-b", correct=2)])
    first = bank_load(path=bank_dir)
    assert sorted(first.created) == ["t11-a", "t11-b"]
    second = bank_load(path=bank_dir)
    assert second.created == [] and second.changed == [] and len(second.unchanged) == 2
    assert QuestionVersion.objects.count() == 2
    q = Question.objects.get(key="t11-b")
    assert [c.is_correct for c in q.current_version.choices.order_by("position")] == [
        False,
        False,
        True,
        False,
    ]
    assert q.current_version.domain.code == "1" and q.current_version.task.code == "1.1"


def test_errors_name_the_file_the_key_and_the_problem(bank_dir):
    bad = question("t11-bad", task="9.9")
    bad["choices"][1]["correct"] = True
    path = write(bank_dir, "bad.yaml", [bad])
    with pytest.raises(BankError) as exc:
        read_bank(bank_dir)
    text = "\n".join(exc.value.errors)
    assert str(path) in text and "t11-bad" in text
    assert "task '9.9'" in text
    assert "2 option(s) marked correct but choose is 1" in text


def test_it_loads_all_or_nothing(bank_dir):
    write(bank_dir, "a.yaml", [question("t11-good")])
    write(bank_dir, "b.yaml", [question("t11-unknown-topic", topics=["not-a-topic"])])
    with pytest.raises(BankError):
        bank_load(path=bank_dir)
    assert not Question.objects.exists()


def test_duplicate_keys_are_refused(bank_dir):
    write(bank_dir, "a.yaml", [question("t11-same")])
    write(bank_dir, "b.yaml", [question("t11-same")])
    with pytest.raises(BankError, match="already used"):
        read_bank(bank_dir)


def test_invalid_yaml_is_reported_not_raised(bank_dir):
    (bank_dir / "SAA-C03" / "questions" / "broken.yaml").write_text("questions: [\n", "utf-8")
    with pytest.raises(BankError, match="not valid YAML"):
        read_bank(bank_dir)


def test_the_command_prints_errors_and_loads_nothing(bank_dir, capsys):
    write(bank_dir, "a.yaml", [question("t11-x", choose=2)])
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_bank", str(bank_dir))
    assert "t11-x" in capsys.readouterr().err


def test_a_changed_question_gets_a_new_version_and_past_attempts_keep_theirs(bank_dir, learner):
    # 65 questions so an exam can be drawn from this small bank
    questions = [
        question(f"t{t.replace('.', '')}-q{i}", task=t)
        for t in ("1.1", "2.1", "3.1", "4.1")
        for i in range(17)
    ]
    write(bank_dir, "all.yaml", questions)
    bank_load(path=bank_dir)
    exam = Question.objects.first().exam
    attempt = engine.attempt_start(
        user=learner, exam=exam, now=timezone.now(), rng=random.Random(1)
    )
    item = attempt.items.get(position=1)
    old_version = item.version
    correct = old_version.choices.get(is_correct=True)
    engine.answer_record(
        attempt=attempt, item=item, choice_ids=[correct.pk], seq=1, now=timezone.now()
    )
    engine.attempt_submit(attempt=attempt, now=timezone.now())

    changed = [
        q if q["key"] != item.question.key else question(q["key"], task=q["task"], correct=3)
        for q in questions
    ]
    write(bank_dir, "all.yaml", changed)
    result = bank_load(path=bank_dir)
    assert result.changed == [item.question.key]

    item.refresh_from_db()
    assert item.version_id == old_version.pk and item.is_correct is True
    new = Question.objects.get(pk=item.question_id).current_version
    assert new.number == 2 and new.choices.get(is_correct=True).position == 4
    attempt.refresh_from_db()
    assert attempt.correct_count == 1


def test_retiring_a_question_in_the_file_retires_it(bank_dir):
    write(bank_dir, "a.yaml", [question("t11-r")])
    bank_load(path=bank_dir)
    write(bank_dir, "a.yaml", [question("t11-r", status="retired")])
    result = bank_load(path=bank_dir)
    assert result.changed == ["t11-r"]
    assert Question.objects.get(key="t11-r").status == "retired"
    assert QuestionVersion.objects.count() == 1


def test_bank_stats_json_reports_counts(bank_dir, capsys):
    write(bank_dir, "a.yaml", [question("t11-s1"), question("t21-s2", task="2.1")])
    bank_load(path=bank_dir)
    call_command("bank_stats", "--json")
    data = yaml.safe_load(capsys.readouterr().out)
    exam = data["exams"][0]
    assert exam["code"] == "SAA-C03" and exam["active"] == 2
    assert exam["by_domain"] == {"1": 1, "2": 1, "3": 0, "4": 0}
    assert exam["by_kind"] == {"single": 2, "multi": 0}
    assert exam["missing_ja"] == exam["missing_en"] == exam["missing_choice_explanations"] == 0
    assert exam["topics"] == 1
