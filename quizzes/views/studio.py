"""The instructor workspace: question bank, editor, versions, import/export, analysis, triage."""

from __future__ import annotations

import difflib
from functools import wraps

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quizzes import selectors
from quizzes.forms import ImportForm, QuestionEditor, ResolveForm, new_option_row
from quizzes.models import (
    Exam,
    ImportJob,
    Question,
    QuestionReport,
    QuestionVersion,
    TaskStatement,
    Topic,
)
from quizzes.services import authoring, transfer
from quizzes.services.reports import cohort_build
from quizzes.services.transfer import spec_from_version
from quizzes.views import fragment

PAGE_SIZE = 50
SORTS = {
    "key": "key",
    "-key": "-key",
    "difficulty": "current_version__difficulty",
    "-difficulty": "-current_version__difficulty",
    "facility": "stats__facility",
    "-facility": "-stats__facility",
    "discrimination": "stats__discrimination",
    "-discrimination": "-stats__discrimination",
    "answered": "stats__answered",
    "-answered": "-stats__answered",
    "updated": "current_version__created_at",
    "-updated": "-current_version__created_at",
}
FLAGS = ("too_easy", "too_hard", "low_discrimination", "unused_distractor")


def instructor_required(view):
    """Anonymous users go to the log-in page; learners get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_instructor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _question(key: str) -> Question:
    return get_object_or_404(
        Question.objects.select_related("exam", "current_version__task", "current_version__domain"),
        key=key,
    )


@instructor_required
@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    g = request.GET
    qs = Question.objects.select_related("exam", "current_version__task", "stats").annotate(
        open_reports=Count("reports", filter=Q(reports__status=QuestionReport.Status.OPEN))
    )
    if g.get("q"):
        term = g["q"].strip()[:200]
        qs = qs.filter(
            Q(key__icontains=term)
            | Q(current_version__stem_ja__icontains=term)
            | Q(current_version__stem_en__icontains=term)
        )
    for param, lookup in (
        ("exam", "exam__code"),
        ("domain", "current_version__domain__code"),
        ("task", "current_version__task__code"),
        ("kind", "current_version__kind"),
        ("difficulty", "current_version__difficulty"),
        ("status", "status"),
    ):
        value = g.get(param, "").strip()
        if value:
            if param == "difficulty" and value not in ("1", "2", "3"):
                continue
            qs = qs.filter(**{lookup: value[:40]})
    if g.get("topic"):
        qs = qs.filter(current_version__topics__key=g["topic"][:60])
    if g.get("missing") == "ja":
        qs = qs.filter(Q(current_version__stem_ja="") | Q(current_version__explanation_ja=""))
    elif g.get("missing") == "en":
        qs = qs.filter(Q(current_version__stem_en="") | Q(current_version__explanation_en=""))
    if g.get("reported") == "1":
        qs = qs.filter(open_reports__gt=0)
    if g.get("flag") in FLAGS:
        qs = qs.filter(stats__flags__icontains=g["flag"])
    sort = g.get("sort", "key")
    qs = qs.order_by(SORTS.get(sort, "key"), "key")
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    params = g.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "sort": sort,
        "params": params.urlencode(),
        "filters": g,
        "exams": Exam.objects.all(),
        "tasks": TaskStatement.objects.select_related("domain__exam").order_by("code"),
        "topics": Topic.objects.all(),
        "flags": FLAGS,
    }
    template = fragment(request, "studio/question_list.html", "results")
    return render(request, template, context)


def _editor_context(editor: QuestionEditor) -> dict:
    return {
        "editor": editor,
        "exam": editor.exam,
        "tasks": TaskStatement.objects.filter(domain__exam=editor.exam).order_by("code"),
        "topics": Topic.objects.all(),
        "question": editor.question,
    }


@instructor_required
def question_create(request: HttpRequest, code: str) -> HttpResponse:
    exam = get_object_or_404(Exam, code=code)
    return _edit(request, exam, None)


@instructor_required
def question_edit(request: HttpRequest, key: str) -> HttpResponse:
    question = _question(key)
    return _edit(request, question.exam, question)


def _edit(request: HttpRequest, exam: Exam, question: Question | None) -> HttpResponse:
    if request.method == "POST":
        editor = QuestionEditor.from_post(exam, question, request.POST)
        spec = editor.validate()
        if spec is not None:
            saved, changed = authoring.question_save(exam=exam, spec=spec, author=request.user)
            if changed:
                messages.success(
                    request, _("Saved as version %(n)d.") % {"n": saved.current_version.number}
                )
            else:
                messages.info(request, _("Nothing changed."))
            for w in editor.warnings:
                messages.warning(request, w)
            return redirect("studio_question_edit", saved.key)
        status = 400
    else:
        editor = QuestionEditor.from_question(exam, question)
        status = 200
    return render(request, "studio/question_edit.html", _editor_context(editor), status=status)


@instructor_required
@require_GET
def option_row(request: HttpRequest) -> HttpResponse:
    """A new, empty option row for the editor (added in place with htmx)."""
    kind = request.GET.get("kind", "radio")
    return render(
        request,
        "studio/question_edit.html#option_row",
        {"row": new_option_row(), "multi": kind == "checkbox"},
    )


@instructor_required
@require_GET
def option_remove(request: HttpRequest) -> HttpResponse:
    """Empty answer: htmx deletes the row it was asked from."""
    return HttpResponse("")


@instructor_required
@require_GET
def question_preview(request: HttpRequest, key: str) -> HttpResponse:
    question = _question(key)
    version = question.current_version
    number = request.GET.get("version", "")
    if number.isdigit():
        version = get_object_or_404(QuestionVersion, question=question, number=int(number))
    if version is None:
        raise Http404
    choices = list(version.choices.order_by("position"))
    return render(
        request,
        "studio/question_preview.html",
        {"question": question, "version": version, "choices": choices},
    )


def _version_yaml(question: Question, version: QuestionVersion) -> list[str]:
    data = spec_from_version(question, version).to_yaml_dict()
    data.pop("status", None)
    return yaml.dump(data, allow_unicode=True, sort_keys=False, width=100).splitlines()


@instructor_required
@require_GET
def question_history(request: HttpRequest, key: str) -> HttpResponse:
    question = _question(key)
    versions = list(
        question.versions.select_related("task", "created_by")
        .prefetch_related("choices", "topics")
        .order_by("-number")
    )
    diffs = []
    for newer, older in zip(versions, versions[1:], strict=False):
        lines = difflib.unified_diff(
            _version_yaml(question, older),
            _version_yaml(question, newer),
            f"v{older.number}",
            f"v{newer.number}",
            lineterm="",
            n=2,
        )
        diffs.append((newer, older, list(lines)[2:]))
    return render(
        request,
        "studio/question_history.html",
        {
            "question": question,
            "versions": versions,
            "diffs": diffs,
            "regrades": question.regrades.select_related("to_version", "by"),
            "reports": question.reports.select_related("user", "version"),
            "outdated_items": question.attempt_items.filter(attempt__status="finished")
            .exclude(version=question.current_version)
            .count(),
        },
    )


@instructor_required
@require_POST
def question_status(request: HttpRequest, key: str) -> HttpResponse:
    question = _question(key)
    action = request.POST.get("action")
    if action == "retire":
        authoring.question_set_status(question=question, status=Question.Status.RETIRED)
        messages.success(request, _("Retired: it will not be drawn in new exams."))
    elif action == "activate":
        authoring.question_set_status(question=question, status=Question.Status.ACTIVE)
        messages.success(request, _("Active again."))
    elif action == "delete":
        if authoring.question_delete(question=question):
            messages.success(request, _("Deleted."))
            return redirect("studio_questions")
        messages.error(request, _("Learners have seen this question: retire it instead."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("studio_question_edit", question.key)


@instructor_required
@require_POST
def question_regrade(request: HttpRequest, key: str) -> HttpResponse:
    question = _question(key)
    regrade = authoring.question_regrade(
        question=question,
        author=request.user,
        now=timezone.now(),
        note=request.POST.get("note", "")[:2000],
    )
    messages.success(
        request,
        _("Regraded %(items)d answers; %(changed)d changed result.")
        % {"items": regrade.items, "changed": regrade.changed},
    )
    return redirect("studio_question_history", question.key)


@instructor_required
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        job = ImportJob.objects.create(
            created_by=request.user,
            format=d["format"],
            filename=request.FILES["file"].name[:200],
            content=d["file"],
            options={
                "exam": d["exam"].code,
                "task": d["task"].code if d.get("task") else "",
                "topics": [t.key for t in d.get("topics") or []],
                "language": d["language"],
            },
        )
        return redirect("studio_import_preview", job.pk)
    jobs = ImportJob.objects.select_related("created_by")[:20]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "studio/import.html",
        {"form": form, "jobs": jobs, "exams": Exam.objects.all()},
        status=status,
    )


@instructor_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    if request.method == "POST":
        try:
            result = transfer.import_apply(job=job, author=request.user)
        except transfer.ImportRefused as exc:
            messages.error(request, "; ".join(exc.args[0][:5]))
            return redirect("studio_import_preview", job.pk)
        messages.success(request, _("Imported: %(s)s.") % {"s": result.summary()})
        return redirect("studio_import")
    preview = transfer.import_preview(job=job)
    return render(request, "studio/import_preview.html", {"job": job, "preview": preview})


@instructor_required
@require_GET
def export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    exam = get_object_or_404(Exam, code=code)
    if fmt == "yaml":
        body, ctype = transfer.export_yaml(exam), "application/yaml; charset=utf-8"
    elif fmt == "csv":
        body, ctype = "\ufeff" + transfer.export_csv(exam), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{exam.code}-questions.{fmt}"'
    return response


@instructor_required
@require_POST
def stats_refresh(request: HttpRequest) -> HttpResponse:
    from quizzes.tasks import refresh_item_stats

    try:
        refresh_item_stats.delay()
        messages.success(request, _("Item statistics are being recomputed."))
    except Exception:
        messages.error(
            request, _("The task queue is unavailable; statistics refresh every ten minutes.")
        )
    return redirect("studio_questions")


@instructor_required
@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in QuestionReport.Status.values:
        status = "open"
    reports = QuestionReport.objects.filter(status=status).select_related(
        "question", "version", "user", "resolved_by"
    )[:200]
    return render(
        request, "studio/triage.html", {"reports": reports, "status": status, "form": ResolveForm()}
    )


@instructor_required
@require_POST
def triage_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(QuestionReport, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        authoring.question_report_resolve(
            report=report, by=request.user, note=form.cleaned_data["note"], now=timezone.now()
        )
        messages.success(request, _("Report resolved."))
    else:
        messages.error(request, _("Write a resolution note."))
    return redirect("studio_triage")


@instructor_required
@require_GET
def cohort(request: HttpRequest) -> HttpResponse:
    exams = [cohort_build(exam=e) for e in Exam.objects.filter(is_active=True)]
    return render(
        request, "studio/cohort.html", {"exams": exams, "learners": selectors.learners_overview()}
    )
