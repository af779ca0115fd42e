"""Factories for tests: users and a synthetic exam bank of any size."""

from __future__ import annotations

import hashlib

import factory

from accounts.models import User
from quizzes.models import Choice, Domain, Exam, Question, QuestionVersion, TaskStatement, Topic

SAA_DOMAINS = [("1", 30), ("2", 26), ("3", 24), ("4", 20)]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


def make_exam(
    *,
    code: str = "SAA-C03",
    per_domain: int = 25,
    question_count: int = 65,
    duration_minutes: int = 130,
    multi_every: int = 5,
) -> Exam:
    """An exam with four weighted domains and ``per_domain`` questions in each.

    Every ``multi_every``-th question is "Choose TWO" with five options; the
    others have four options of which the first is correct.
    """
    exam = Exam.objects.create(
        code=code,
        name_ja="模擬試験",
        name_en="Mock exam",
        question_count=question_count,
        duration_minutes=duration_minutes,
        pass_ratio="0.700",
    )
    topic_a, _ = Topic.objects.get_or_create(key="s3", defaults={"name_ja": "S3", "name_en": "S3"})
    topic_b, _ = Topic.objects.get_or_create(
        key="iam", defaults={"name_ja": "IAM", "name_en": "IAM"}
    )
    n = 0
    for dcode, weight in SAA_DOMAINS:
        domain = Domain.objects.create(
            exam=exam, code=dcode, weight=weight, name_ja=f"分野{dcode}", name_en=f"Domain {dcode}"
        )
        task = TaskStatement.objects.create(
            domain=domain, code=f"{dcode}.1", name_ja=f"タスク{dcode}.1", name_en=f"Task {dcode}.1"
        )
        for _ in range(per_domain):
            n += 1
            make_question(
                exam=exam,
                task=task,
                key=f"{code.lower()}-q{n:04d}",
                multi=multi_every and n % multi_every == 0,
                topics=[topic_a if n % 2 else topic_b],
            )
    return exam


def make_question(*, exam, task, key, multi=False, topics=(), status="active") -> Question:
    question = Question.objects.create(exam=exam, key=key, status=status)
    choose = 2 if multi else 1
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        domain_id=task.domain_id,
        task=task,
        kind="multi" if multi else "single",
        choose=choose,
        difficulty=2,
        stem_ja=f"{key} の問題文",
        stem_en=f"Stem of {key}",
        explanation_ja=f"{key} の解説",
        explanation_en=f"Explanation of {key}",
        references=["https://docs.aws.amazon.com/"],
        content_hash=hashlib.sha256(key.encode()).hexdigest(),
    )
    version.topics.set(topics)
    Choice.objects.bulk_create(
        Choice(
            version=version,
            position=i,
            text_ja=f"選択肢{i}",
            text_en=f"Option {i}",
            is_correct=i <= choose,
            explanation_ja=f"理由{i}",
            explanation_en=f"Why {i}",
        )
        for i in range(1, (5 if multi else 4) + 1)
    )
    from quizzes.services.transfer import spec_from_version

    version.content_hash = spec_from_version(question, version).content_hash()
    version.save(update_fields=["content_hash"])
    question.current_version = version
    question.save(update_fields=["current_version"])
    return question
