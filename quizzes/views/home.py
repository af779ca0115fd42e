from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes import selectors
from quizzes.models import Attempt, Report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {"exams": selectors.exams_for_home(user=request.user)}
    if request.user.is_authenticated:
        context["recent"] = Attempt.objects.filter(
            user=request.user, status=Attempt.Status.FINISHED
        ).select_related("exam")[:5]
        report = Report.objects.filter(user=request.user).first()
        context["report"] = report
        exams = (report.data or {}).get("exams", []) if report else []
        if exams:
            context["readiness"] = round(100 * exams[0]["readiness"]["probability"])
    return render(request, "quizzes/home.html", context)
