import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Attempt, AttemptItem
from tests.browser.conftest import log_in
from tests.factories import UserFactory, make_exam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def exam(transactional_db):
    return make_exam()


def start_exam(page, base):
    page.goto(f"{base}/")
    page.click("form[action$='/start/'] button")
    page.wait_for_selector("#answer-form")
    return Attempt.objects.get()


def wait_saved(page):
    page.wait_for_selector("#save-status.saved")


def test_sign_up_take_a_full_exam_review_submit_and_read_results(page, live_server, exam, console):
    base = live_server.url
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=username]", "sakura")
    page.fill("input[name=email]", "sakura@example.com")
    page.fill("input[name=password1]", "yozakura-2026!")
    page.fill("input[name=password2]", "yozakura-2026!")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/accounts/signup/sent/")
    link = re.search(r"https?://\S+/accounts/activate/\S+", mail.outbox[-1].body).group()
    page.goto(link)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    attempt = start_exam(page, base)

    for n in range(1, 66):
        assert page.locator("#question-panel").get_attribute("data-position") == str(n)
        multi = page.locator("#answer-form input[type=checkbox]").count() > 0
        if n % 2:  # mouse
            page.locator("label.choice").nth(0).click()
            if multi:
                wait_saved(page)
                page.locator("label.choice").nth(1).click()
        else:  # keyboard
            page.keyboard.press("2")
            if multi:
                wait_saved(page)
                page.keyboard.press("C")
        wait_saved(page)
        if n in (5, 17, 40):
            page.keyboard.press("f")
            page.wait_for_selector("#flag-form button.on")
        if n < 65:
            page.keyboard.press("n")
            page.wait_for_selector(f"#question-panel[data-position='{n + 1}']")

    assert page.locator("#palette ol .cell.answered").count() == 65
    assert page.locator("#palette ol .cell.flagged").count() == 3
    page.click("text=見直しと提出")
    page.wait_for_selector("#submit-form")
    assert page.locator("section").filter(has_text="見直しフラグ付き").locator("a").count() == 3
    page.once("dialog", lambda d: d.accept())
    page.click("#submit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/results/$"))
    assert page.locator(".result-item").count() == 65
    assert page.locator(".explanation").first.is_visible()
    page.click("text=フラグ付き (3)")
    page.wait_for_selector("#result-items[data-shown='flagged']")
    assert page.locator(".result-item").count() == 3

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert AttemptItem.objects.filter(attempt=attempt).exclude(selected=[]).count() == 65
    assert console.errors == []


def test_a_reload_keeps_answers_flags_and_the_remaining_time(page, live_server, exam, console):
    UserFactory(username="kenta")
    log_in(page, live_server.url, "kenta")
    attempt = start_exam(page, live_server.url)
    page.locator("label.choice").nth(2).click()
    wait_saved(page)
    page.keyboard.press("f")
    page.wait_for_selector("#flag-form button.on")
    page.keyboard.press("n")
    page.wait_for_selector("#question-panel[data-position='2']")
    page.locator("label.choice").nth(1).click()
    wait_saved(page)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(minutes=42))
    page.reload()
    page.wait_for_selector("#question-panel[data-position='2']")
    assert page.locator("label.choice").nth(1).locator("input").is_checked()
    assert page.locator("#palette ol .cell.answered").count() == 2
    assert page.locator("#cell-1.flagged").count() == 1
    clock = page.locator("#timer .clock").inner_text()
    assert clock.startswith(("41:", "42:")), clock
    page.click("#cell-1")
    page.wait_for_selector("#question-panel[data-position='1']")
    assert page.locator("label.choice").nth(2).locator("input").is_checked()
    page.go_back()
    page.wait_for_selector("#question-panel[data-position='2']")
    assert page.locator("#timer").count() == 1 and page.locator("#palette").count() == 1
    assert console.errors == []


def test_answers_given_offline_are_retried_and_the_newest_wins(page, context, live_server, exam):
    UserFactory(username="offline")
    log_in(page, live_server.url, "offline")
    attempt = start_exam(page, live_server.url)
    item = AttemptItem.objects.filter(attempt=attempt, version__kind="single").first()
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/q/{item.position}/")
    context.set_offline(True)
    page.locator("label.choice").nth(0).click()
    page.wait_for_selector("#save-status.pending")
    page.locator("label.choice").nth(3).click()
    page.wait_for_selector("#save-status.pending")
    assert AttemptItem.objects.get(pk=item.pk).selected == []
    context.set_offline(False)
    page.wait_for_selector("#save-status.saved", timeout=30_000)
    page.wait_for_timeout(1500)  # let any older retry arrive too
    item.refresh_from_db()
    assert item.selected == [item.choice_order[3]]


def test_when_the_timer_runs_out_the_page_submits_by_itself(page, live_server, exam, console):
    UserFactory(username="timeup")
    log_in(page, live_server.url, "timeup")
    attempt = start_exam(page, live_server.url)
    page.locator("label.choice").nth(0).click()
    wait_saved(page)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=4))
    page.reload()
    page.wait_for_url(re.compile(r"/results/$"), timeout=20_000)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED
    assert attempt.finish_reason == Attempt.FinishReason.TIME_UP
    assert AttemptItem.objects.get(attempt=attempt, position=1).selected
    assert console.errors == []


def test_two_tabs_and_a_double_click_on_submit_give_one_result(context, live_server, exam):
    UserFactory(username="twotabs")
    first = context.new_page()
    log_in(first, live_server.url, "twotabs")
    attempt = start_exam(first, live_server.url)
    second = context.new_page()
    second.goto(f"{live_server.url}/attempts/{attempt.pk}/q/3/")
    second.locator("label.choice").nth(1).click()
    second.wait_for_selector("#save-status.saved")
    first.locator("label.choice").nth(0).click()
    first.wait_for_selector("#save-status.saved")
    for tab in (first, second):
        tab.goto(f"{live_server.url}/attempts/{attempt.pk}/review/")
    first.on("dialog", lambda d: d.accept())
    second.on("dialog", lambda d: d.accept())
    first.locator("#submit-form button").dblclick()
    second.click("#submit-form button")
    for tab in (first, second):
        tab.wait_for_url(re.compile(r"/results/$"))
    assert Attempt.objects.filter(status=Attempt.Status.FINISHED).count() == 1
    answered = AttemptItem.objects.filter(attempt=attempt).exclude(selected=[]).count()
    assert answered == 2
    scores = {t.locator(".score strong").inner_text() for t in (first, second)}
    assert len(scores) == 1


def test_an_instructor_creates_a_question_and_previews_it(page, live_server, exam, console):
    from accounts.roles import user_make_instructor

    teacher = UserFactory(username="sensei")
    user_make_instructor(user=teacher)
    log_in(page, live_server.url, "sensei")
    page.goto(f"{live_server.url}/studio/new/{exam.code}/")
    page.fill("#f-key", "t11-browser-made")
    page.select_option("#f-task", "1.1")
    page.select_option("#f-topics", ["iam"])
    page.fill("#f-stem_ja", "ブラウザで作成した問題です。**強調**あり。")
    page.fill("#f-stem_en", "A question made in the browser.")
    page.click("text=+ 選択肢を追加")
    expect(page.locator("fieldset.option-row")).to_have_count(5)
    page.locator("fieldset.option-row").nth(4).locator("button").click()
    expect(page.locator("fieldset.option-row")).to_have_count(4)
    rows = page.locator("fieldset.option-row")
    for i in range(4):
        rows.nth(i).locator("textarea[name=opt-text_ja]").fill(f"選択肢{i + 1}")
        rows.nth(i).locator("textarea[name=opt-text_en]").fill(f"Option {i + 1}")
        rows.nth(i).locator("textarea[name=opt-why_ja]").fill(f"理由{i + 1}")
    rows.nth(2).locator("input[name=opt-correct]").check()
    page.fill("#f-ex_ja", "解説です。")
    page.fill("#f-refs", "https://docs.aws.amazon.com/IAM/latest/UserGuide/introduction.html")
    page.click("form.editor button[type=submit]")
    page.wait_for_url(f"{live_server.url}/studio/q/t11-browser-made/")
    assert page.locator(".messages").inner_text().strip() != ""
    page.click("text=プレビュー")
    page.wait_for_url(f"{live_server.url}/studio/q/t11-browser-made/preview/")
    assert page.locator("section.question-panel").count() == 2
    assert page.locator("section.question-panel strong").first.inner_text() == "強調"
    assert "A question made in the browser." in page.content()
    assert console.errors == []
