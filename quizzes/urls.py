from django.urls import path

from quizzes.views import home, reports, results, taking

urlpatterns = [
    path("", home.home, name="home"),
    path("exams/<str:code>/start/", taking.exam_start, name="exam_start"),
    path("attempts/", results.history, name="attempt_history"),
    path("attempts/<int:pk>/", taking.attempt_resume, name="attempt_resume"),
    path("attempts/<int:pk>/q/<int:position>/", taking.question, name="attempt_question"),
    path("attempts/<int:pk>/q/<int:position>/answer/", taking.answer, name="attempt_answer"),
    path("attempts/<int:pk>/q/<int:position>/flag/", taking.flag, name="attempt_flag"),
    path("attempts/<int:pk>/review/", taking.review, name="attempt_review"),
    path("attempts/<int:pk>/submit/", taking.submit, name="attempt_submit"),
    path("attempts/<int:pk>/results/", results.results, name="attempt_results"),
    path("reports/", reports.my_report, name="my_report"),
    path("reports/learners/<int:user_id>/", reports.learner_report, name="learner_report"),
]
