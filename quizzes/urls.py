from django.urls import path, register_converter

from quizzes.converters import ExamCodeConverter, ExportFormatConverter, QuestionKeyConverter
from quizzes.views import home, reports, results, studio, taking

register_converter(ExamCodeConverter, "exam")
register_converter(QuestionKeyConverter, "qkey")
register_converter(ExportFormatConverter, "fmt")

urlpatterns = [
    path("", home.home, name="home"),
    path("exams/<exam:code>/start/", taking.exam_start, name="exam_start"),
    path("attempts/", results.history, name="attempt_history"),
    path("attempts/<int:pk>/", taking.attempt_resume, name="attempt_resume"),
    path("attempts/<int:pk>/q/<int:position>/", taking.question, name="attempt_question"),
    path("attempts/<int:pk>/q/<int:position>/answer/", taking.answer, name="attempt_answer"),
    path("attempts/<int:pk>/q/<int:position>/flag/", taking.flag, name="attempt_flag"),
    path("attempts/<int:pk>/q/<int:position>/visit/", taking.visit, name="attempt_visit"),
    path("attempts/<int:pk>/review/", taking.review, name="attempt_review"),
    path("attempts/<int:pk>/submit/", taking.submit, name="attempt_submit"),
    path("attempts/<int:pk>/results/", results.results, name="attempt_results"),
    path(
        "attempts/<int:pk>/q/<int:position>/report/",
        results.report_problem,
        name="attempt_report_problem",
    ),
    path("reports/", reports.my_report, name="my_report"),
    path("reports/learners/<int:user_id>/", reports.learner_report, name="learner_report"),
    path("studio/", studio.question_list, name="studio_questions"),
    path("studio/new/<exam:code>/", studio.question_create, name="studio_question_create"),
    path("studio/option-row/", studio.option_row, name="studio_option_row"),
    path("studio/option-remove/", studio.option_remove, name="studio_option_remove"),
    path("studio/q/<qkey:key>/", studio.question_edit, name="studio_question_edit"),
    path("studio/q/<qkey:key>/preview/", studio.question_preview, name="studio_question_preview"),
    path("studio/q/<qkey:key>/history/", studio.question_history, name="studio_question_history"),
    path("studio/q/<qkey:key>/status/", studio.question_status, name="studio_question_status"),
    path("studio/q/<qkey:key>/regrade/", studio.question_regrade, name="studio_question_regrade"),
    path("studio/import/", studio.import_start, name="studio_import"),
    path("studio/import/<int:pk>/", studio.import_preview, name="studio_import_preview"),
    path("studio/export/<exam:code>.<fmt:fmt>", studio.export, name="studio_export"),
    path("studio/stats/refresh/", studio.stats_refresh, name="studio_stats_refresh"),
    path("studio/triage/", studio.triage, name="studio_triage"),
    path("studio/triage/<int:pk>/resolve/", studio.triage_resolve, name="studio_triage_resolve"),
    path("studio/cohort/", studio.cohort, name="studio_cohort"),
]
