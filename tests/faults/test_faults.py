"""Faults injected into a running stack: gunicorn, PostgreSQL, Redis and a Celery worker.

The learner's client behaves like the exam page: a save that fails is sent
again (with a newer stamp) until the server acknowledges it. After each fault
every acknowledged answer must be in the database, the exam must finish, and
the report must be built once the worker or Redis is back.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from quizzes.models import Attempt, AttemptItem, Report
from quizzes.services import attempts as engine
from tests.factories import UserFactory
from tests.processes import CELERY_WORKER, ROOT, child_database_url

TOKEN = "f" * 32

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("redis-server"),
        reason="needs DATABASE_URL on PostgreSQL and redis-server (set up by .ci/run)",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


class Stack:
    """Our own Redis, gunicorn and Celery worker against the test database."""

    def __init__(self, tmp_path):
        self.redis_port = free_port()
        self.web_port = free_port()
        self.tmp = tmp_path
        self.env = dict(
            os.environ,
            DATABASE_URL=child_database_url(),
            DATABASE_CONN_MAX_AGE="60",
            CELERY_BROKER_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            PYTHONUNBUFFERED="1",
        )
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        if name == "redis":
            cmd = [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
        elif name == "web":
            cmd = [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "1",
                "--timeout",
                "30",
            ]
        else:
            cmd = CELERY_WORKER
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        if name == "redis":
            wait_port(self.redis_port)
        if name == "web":
            wait_port(self.web_port)

    def stop(self, name: str, sig=signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def web_worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.procs["web"].pid)], capture_output=True, text=True
        ).stdout
        return [int(p) for p in out.split()]

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name, signal.SIGKILL if name == "worker" else signal.SIGTERM)


@pytest.fixture
def stack(tmp_path, eager_celery):
    s = Stack(tmp_path)
    s.start("redis")
    s.start("web")
    yield s
    s.close()
    for log in tmp_path.glob("*.log"):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


class Learner:
    """Talks to gunicorn over HTTP like the exam page: failed saves are retried."""

    def __init__(self, port: int, session: str):
        self.base = f"http://127.0.0.1:{port}"
        self.cookie = f"sessionid={session}; csrftoken={TOKEN}"
        self.retries = 0

    def post(self, path: str, data: list[tuple[str, str]], tries: int = 200) -> int:
        body = urllib.parse.urlencode(data).encode()
        for _ in range(tries):
            req = urllib.request.Request(
                self.base + path,
                data=body,
                method="POST",
                headers={
                    "Cookie": self.cookie,
                    "X-CSRFToken": TOKEN,
                    "HX-Request": "true",
                },
            )
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    return exc.code
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            self.retries += 1
            time.sleep(0.2)
            data = [(k, str(time.time_ns() // 1000) if k == "seq" else v) for k, v in data]
            body = urllib.parse.urlencode(data).encode()
        raise AssertionError(f"{path} never succeeded")


def start_learner(stack, exam):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    attempt = engine.attempt_start(user=user, exam=exam, now=timezone.now(), rng=random.Random(4))
    return user, attempt, Learner(stack.web_port, client.cookies["sessionid"].value)


def answer_all(learner, attempt, fault=None, fault_at=(), seed=0):
    """Answer every question, running ``fault()`` at the given positions; returns the saves."""
    rng = random.Random(seed)
    acknowledged = {}
    for item in attempt.items.select_related("version").order_by("position"):
        if item.position in fault_at and fault:
            fault()
        choice = rng.choice(item.choice_order)
        path = f"/attempts/{attempt.pk}/q/{item.position}/answer/"
        status = learner.post(path, [("choice", str(choice)), ("seq", str(time.time_ns() // 1000))])
        assert status == 200, (item.position, status)
        acknowledged[item.pk] = [choice]
    return acknowledged


def lost_answers(acknowledged) -> int:
    saved = dict(AttemptItem.objects.filter(pk__in=acknowledged).values_list("pk", "selected"))
    return sum(saved[pk] != sel for pk, sel in acknowledged.items())


def report_ready(user, seconds=60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if Report.objects.filter(user=user, status=Report.Status.READY).exists():
            return True
        time.sleep(0.5)
    return False


FIGURES: dict[str, dict] = {}


def record(name, **figures):
    FIGURES[name] = figures
    print(f"FAULT {name}: {json.dumps(figures)}")


def test_web_worker_killed_in_the_middle_of_saves(stack, exam):
    user, attempt, learner = start_learner(stack, exam)
    kills = []

    def kill_worker():
        for pid in stack.web_worker_pids():
            os.kill(pid, signal.SIGKILL)
            kills.append(pid)

    def kill_during_next_save():
        # fires while the next answer's request is on its way or being handled
        threading.Timer(random.uniform(0.0, 0.01), kill_worker).start()

    acknowledged = answer_all(learner, attempt, kill_during_next_save, fault_at=(10, 25, 40, 55))
    assert learner.post(f"/attempts/{attempt.pk}/submit/", []) == 200
    attempt.refresh_from_db()
    lost = lost_answers(acknowledged)
    record(
        "web worker killed",
        faults=len(kills),
        answers=len(acknowledged),
        lost=lost,
        retries=learner.retries,
    )
    assert kills and lost == 0
    assert attempt.status == Attempt.Status.FINISHED


def test_database_connections_dropped_during_the_exam(stack, exam):
    user, attempt, learner = start_learner(stack, exam)
    dropped = []

    def drop_connections():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            dropped.append(cur.fetchone()[0])

    acknowledged = answer_all(learner, attempt, drop_connections, fault_at=(5, 20, 35, 50, 60))
    assert learner.post(f"/attempts/{attempt.pk}/submit/", []) == 200
    lost = lost_answers(acknowledged)
    record(
        "database connections dropped",
        faults=len(dropped),
        connections=sum(dropped),
        answers=len(acknowledged),
        lost=lost,
        retries=learner.retries,
    )
    assert lost == 0
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.FINISHED


def test_redis_and_the_worker_down_then_back(stack, exam):
    user, attempt, learner = start_learner(stack, exam)
    acknowledged = answer_all(learner, attempt)
    stack.stop("redis")
    started = time.monotonic()
    assert learner.post(f"/attempts/{attempt.pk}/submit/", []) == 200
    submit_seconds = time.monotonic() - started
    assert Report.objects.get(user=user).status == Report.Status.PENDING
    stack.start("redis")
    stack.start("worker")
    Report.objects.filter(user=user).update(
        requested_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from quizzes.tasks import sweep; sweep.delay()",
        ],
        cwd=ROOT,
        env=stack.env,
        check=True,
        timeout=60,
    )
    built = report_ready(user)
    record(
        "redis stopped during submit",
        faults=1,
        answers=len(acknowledged),
        lost=lost_answers(acknowledged),
        submit_seconds=round(submit_seconds, 2),
        report_built_after_recovery=built,
    )
    assert built and lost_answers(acknowledged) == 0


def test_celery_worker_killed_then_restarted(stack, exam):
    stack.start("worker")
    user, attempt, learner = start_learner(stack, exam)
    acknowledged = answer_all(learner, attempt)
    stack.stop("worker", signal.SIGKILL)
    assert learner.post(f"/attempts/{attempt.pk}/submit/", []) == 200
    time.sleep(1)
    assert Report.objects.get(user=user).status == Report.Status.PENDING
    stack.start("worker")
    built = report_ready(user)
    record(
        "celery worker killed",
        faults=1,
        answers=len(acknowledged),
        lost=lost_answers(acknowledged),
        report_built_after_restart=built,
    )
    assert built and lost_answers(acknowledged) == 0
