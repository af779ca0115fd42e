import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.importers.gift import GiftChoice, GiftProblem, parse_gift

REALISTIC = textwrap.dedent(
    r"""
    // SAA-C03 mock exam, exported from Moodle and edited by hand
    $CATEGORY: $course$/top/SAA-C03/ストレージ

    ::S3 耐久性::[markdown]Amazon S3 Standard の**設計上の耐久性**はどれですか?
    {
        =99.999999999% (イレブンナイン) #正解です。複数の AZ に冗長化して保存されます。
        ~99.99% #これは S3 Standard の可用性の設計値です。
        // a reviewer's note inside the question is dropped too
        ~99.9% #これは S3 Standard-IA の可用性 SLA です。
        ####耐久性と可用性は別の指標です。\n詳しくは S3 のドキュメントを参照してください。
    }

    ::EBS multi-attach::Which EBS volume types support Multi-Attach? (Choose TWO.) {
        ~%50%io1 #Provisioned IOPS SSD supports it.
        ~%50%io2
        ~%-100%gp3 #General Purpose SSD does not.
        ~%-100%st1
    }

    $CATEGORY: $course$/top/SAA-C03/ネットワーク
    // a question without a title, all on one line, with escaped characters
    \{ サブネット \} の正しい記述は? {=/24 \= 256 個 #5 個は予約済み ~/24 \~ 251 個 ~/8 \# 可}
    """
)


def choice_texts(question):
    return [c.text for c in question.choices]


def test_it_parses_a_realistic_file_without_problems():
    questions, problems = parse_gift(REALISTIC)
    assert problems == []
    assert [q.title for q in questions] == ["S3 耐久性", "EBS multi-attach", ""]
    assert [q.line for q in questions] == [5, 14, 23]


def test_it_reads_a_single_answer_question_with_its_feedback():
    s3 = parse_gift(REALISTIC)[0][0]
    assert s3.stem == "Amazon S3 Standard の**設計上の耐久性**はどれですか?"
    assert s3.choices == (
        GiftChoice(
            "99.999999999% (イレブンナイン)", True, "正解です。複数の AZ に冗長化して保存されます。"
        ),
        GiftChoice("99.99%", False, "これは S3 Standard の可用性の設計値です。"),
        GiftChoice("99.9%", False, "これは S3 Standard-IA の可用性 SLA です。"),
    )
    assert s3.choose == 1


def test_it_keeps_the_general_feedback_after_four_hashes():
    s3 = parse_gift(REALISTIC)[0][0]
    assert s3.general_feedback == (
        "耐久性と可用性は別の指標です。\n詳しくは S3 のドキュメントを参照してください。"
    )


def test_it_reads_weighted_choices_as_a_multiple_answer_question():
    ebs = parse_gift(REALISTIC)[0][1]
    assert ebs.stem == "Which EBS volume types support Multi-Attach? (Choose TWO.)"
    assert [(c.text, c.correct) for c in ebs.choices] == [
        ("io1", True),
        ("io2", True),
        ("gp3", False),
        ("st1", False),
    ]
    assert ebs.choices[0].feedback == "Provisioned IOPS SSD supports it."
    assert ebs.choices[1].feedback == ""
    assert ebs.choose == 2
    assert ebs.general_feedback == ""


def test_it_records_the_last_category_seen_before_each_question():
    questions, _ = parse_gift(REALISTIC)
    assert [q.category for q in questions] == [
        "$course$/top/SAA-C03/ストレージ",
        "$course$/top/SAA-C03/ストレージ",
        "$course$/top/SAA-C03/ネットワーク",
    ]


def test_it_unescapes_special_characters_in_the_stem_choices_and_feedback():
    cidr = parse_gift(REALISTIC)[0][2]
    assert cidr.stem == "{ サブネット } の正しい記述は?"
    assert cidr.choices == (
        GiftChoice("/24 = 256 個", True, "5 個は予約済み"),
        GiftChoice("/24 ~ 251 個", False, ""),
        GiftChoice("/8 # 可", False, ""),
    )


def test_it_unescapes_colons_in_the_title_and_a_backslash_written_twice():
    [question], _ = parse_gift(r"::Port 80\: HTTP::Path? {=C:\\temp ~\\\\server\\share}")
    assert question.title == "Port 80: HTTP"
    assert choice_texts(question) == [r"C:\temp", r"\\server\share"]


def test_it_keeps_unknown_escapes_as_written():
    [question], _ = parse_gift(r"Regex for a digit? {=\d ~\w}")
    assert choice_texts(question) == [r"\d", r"\w"]


def test_it_reads_answers_on_one_line_and_over_several_lines_alike():
    one_line = "Q? {=a #yes ~b #no ####why}"
    spread = "Q?\n{\n    =a\n    #yes\n    ~b #no\n    ####why\n}"
    assert parse_gift(one_line)[0][0].choices == parse_gift(spread)[0][0].choices
    assert parse_gift(spread)[0][0].general_feedback == "why"


def test_it_drops_the_indentation_of_a_choice_continued_on_the_next_line():
    [question], _ = parse_gift("Q?\n{\n    =a choice that\n        continues\n    ~b\n}")
    assert choice_texts(question) == ["a choice that\ncontinues", "b"]


def test_it_keeps_line_breaks_of_a_multi_line_stem():
    [question], _ = parse_gift("First line\nsecond line\n{=a ~b}")
    assert question.stem == "First line\nsecond line"


@pytest.mark.parametrize("prefix", ["[markdown]", "[plain]", "[moodle]", "[MARKDOWN]"])
def test_it_strips_the_format_prefix_from_the_stem(prefix):
    [question], _ = parse_gift(f"::T::{prefix}**Which** one? {{=a ~b}}")
    assert question.stem == "**Which** one?"


def test_it_keeps_html_stems_as_they_are_for_later_sanitising():
    [question], _ = parse_gift("[html]<p>Pick <b>one</b><script>x</script></p>{=a ~b}")
    assert question.stem == "<p>Pick <b>one</b><script>x</script></p>"


def test_it_leaves_other_bracketed_text_at_the_start_of_the_stem():
    [question], _ = parse_gift("[Lab] Which one? {=a ~b}")
    assert question.stem == "[Lab] Which one?"


def test_it_strips_a_format_prefix_from_choices_and_feedback():
    [question], _ = parse_gift("Q? {=[html]<b>a</b> #[markdown]*yes* ~b}")
    assert question.choices[0] == GiftChoice("<b>a</b>", True, "*yes*")


def test_it_ignores_comment_lines_and_counts_them_for_line_numbers():
    text = "// header\n//\n  // indented comment\n\nQ1? {=a ~b}\n\n// between\n\nQ2? {=c ~d}\n"
    questions, problems = parse_gift(text)
    assert problems == []
    assert [(q.line, q.stem) for q in questions] == [(5, "Q1?"), (9, "Q2?")]


def test_it_starts_a_question_on_the_line_after_a_category_line():
    questions, _ = parse_gift("$CATEGORY: A\nQ1? {=a ~b}\n$CATEGORY: B\nQ2? {=a ~b}")
    assert [(q.line, q.category) for q in questions] == [(2, "A"), (4, "B")]


def test_it_separates_questions_by_several_blank_lines_or_whitespace_only_lines():
    questions, _ = parse_gift("Q1? {=a ~b}\n\n\n   \n\t\nQ2? {=a ~b}")
    assert [q.line for q in questions] == [1, 6]


def test_it_handles_windows_line_endings_and_a_byte_order_mark():
    questions, problems = parse_gift("\ufeff::T::Q1?\r\n{=a\r\n~b}\r\n\r\nQ2? {=c ~d}\r\n")
    assert problems == []
    assert [(q.line, q.title, q.stem) for q in questions] == [(1, "T", "Q1?"), (5, "", "Q2?")]
    assert choice_texts(questions[0]) == ["a", "b"]


@pytest.mark.parametrize("text", ["", "\n\n  \n", "// only a comment\n", "$CATEGORY: x\n"])
def test_it_returns_nothing_for_a_file_without_questions(text):
    assert parse_gift(text) == ([], [])


# ---------------------------------------------------------------- weights


def test_it_accepts_thirds_whose_weights_add_up_to_almost_100():
    [question], problems = parse_gift(
        "Choose three {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}"
    )
    assert problems == []
    assert question.choose == 3


def test_it_treats_unweighted_and_zero_weight_choices_as_wrong():
    [question], _ = parse_gift("Q {~%50%a ~%50%b ~%0%c ~d}")
    assert [c.correct for c in question.choices] == [True, True, False, False]


def test_it_accepts_a_single_full_weight_as_a_one_answer_question():
    [question], _ = parse_gift("Q {~%100%a ~%-50%b ~c}")
    assert question.choose == 1


def test_it_does_not_take_a_percentage_inside_a_choice_for_a_weight():
    [question], _ = parse_gift("Q {=50% off ~%25 off}")
    assert choice_texts(question) == ["50% off", "%25 off"]


@pytest.mark.parametrize(
    ("weights", "total"),
    [("~%50%a ~%40%b ~%-100%c", "90"), ("~%60%a ~%60%b ~c", "120"), ("~%98.5%a ~b", "98.5")],
)
def test_it_reports_positive_weights_that_do_not_add_up_to_100(weights, total):
    questions, problems = parse_gift(f"Q1? {{=a ~b}}\n\nQ2? {{{weights}}}")
    assert len(questions) == 1
    [problem] = problems
    assert problem.line == 3
    assert f"add up to {total}%, not 100%" in problem.message


def test_it_reports_a_block_that_mixes_equals_and_weighted_answers():
    _, [problem] = parse_gift("\nQ {=a ~%50%b ~%50%c}")
    assert problem.line == 2
    assert "mixes = answers with %weight% answers" in problem.message


def test_it_reports_a_weight_outside_the_allowed_range():
    _, problems = parse_gift("Q {~%150%a ~%-100%b}")
    assert any("%150% is outside -100..100" in p.message for p in problems)


# ---------------------------------------------------------------- unsupported and malformed

UNSUPPORTED = [
    pytest.param("Is S3 global? {T}", "true/false", id="true"),
    pytest.param("Is S3 global? {TRUE}", "true/false", id="TRUE"),
    pytest.param("Is S3 global? {F}", "true/false", id="false"),
    pytest.param("Is S3 global? {FALSE}", "true/false", id="FALSE"),
    pytest.param("Is S3 global? {T#Yes#No ####It is regional}", "true/false", id="tf-feedback"),
    pytest.param("日本の首都は? {=東京 =Tokyo}", "short answer", id="short-answer"),
    pytest.param("Match {=S3 -> storage =EC2 -> compute}", "matching", id="matching"),
    pytest.param("Pi? {#3.14:0.01}", "numerical", id="numerical"),
    pytest.param("Describe VPC peering. {}", "essay", id="essay"),
    pytest.param("Describe VPC peering. {####We grade by hand}", "essay", id="essay-feedback"),
    pytest.param("S3 is {=object ~block} storage.", "missing-word", id="missing-word"),
    pytest.param("Only one {~%100%alone}", "only 1 choice", id="one-choice"),
    pytest.param("Guess {~a ~b ~c}", "no correct choice", id="no-correct"),
    pytest.param("Guess {~%-50%a ~%0%b}", "no correct choice", id="no-positive-weight"),
    pytest.param("Q {=a ~b", "unbalanced braces", id="unclosed-brace"),
    pytest.param("Q =a ~b}", "unbalanced braces", id="closing-brace-first"),
    pytest.param("Q {=a {~b}", "unbalanced braces", id="nested-brace"),
    pytest.param("Q {=a ~b}}", "unbalanced braces", id="extra-closing-brace"),
    pytest.param("Q {=a ~b} and {=c ~d}", "more than one answer block", id="two-blocks"),
    pytest.param("Just a description.", "no answer block", id="description"),
    pytest.param("::Unclosed title Q {=a ~b}", "title", id="unclosed-title"),
    pytest.param("::T::{=a ~b}", "no text before", id="no-stem"),
    pytest.param("Q {=a =b ~c}", "2 choices are marked with =", id="two-equals"),
    pytest.param("Q {=a ~}", "choice 2 has no text", id="empty-choice"),
    pytest.param("Q {hello ~a =b}", "before its first choice", id="text-before-choices"),
    pytest.param("Q {hello}", "no choices", id="no-marks"),
]


@pytest.mark.parametrize(("broken", "words"), UNSUPPORTED)
def test_it_reports_each_unsupported_or_broken_question_with_its_line(broken, words):
    text = f"// intro\n::before::Q1? {{=a ~b}}\n\n{broken}\n\n::after::Q3?\n{{\n=c\n~d\n}}\n"
    questions, problems = parse_gift(text)
    assert [q.title for q in questions] == ["before", "after"]
    assert [q.line for q in questions] == [2, 6]
    assert problems
    assert all(p.line == 4 for p in problems)
    assert any(words in p.message for p in problems), problems


def test_it_reports_matching_questions_with_their_line():
    text = "Q1? {=a ~b}\n\n::match::\nPair them {\n  =S3 -> storage\n  =EC2 -> compute\n}\n"
    questions, problems = parse_gift(text)
    assert len(questions) == 1
    assert problems == [
        GiftProblem(
            3,
            "matching questions (->) are not supported; "
            "only multiple choice and multiple answer are imported",
        )
    ]


def test_it_reads_an_arrow_inside_a_multiple_choice_answer_as_text():
    [question], _ = parse_gift("Flow? {=client -> ALB ~client -> NAT}")
    assert choice_texts(question) == ["client -> ALB", "client -> NAT"]


def test_it_says_how_to_fix_an_unsupported_question():
    _, [problem] = parse_gift("Is S3 global? {T}")
    assert "{=True ~False}" in problem.message


def test_it_reports_every_problem_of_one_question_at_once():
    _, problems = parse_gift("Q {~ ~%-10%b}")
    messages = " | ".join(p.message for p in problems)
    assert "choice 1 has no text" in messages
    assert "no correct choice" in messages


def test_it_reports_an_unbalanced_brace_without_losing_the_next_question():
    questions, problems = parse_gift("Q1? {=a ~b\n\nQ2? {=c ~d}")
    assert [q.stem for q in questions] == ["Q2?"]
    assert [p.line for p in problems] == [1]


def test_it_accepts_escaped_braces_that_would_otherwise_be_unbalanced():
    [question], problems = parse_gift(r"Is \{\} an empty JSON object? {=yes ~no}")
    assert problems == []
    assert question.stem == "Is {} an empty JSON object?"


# ---------------------------------------------------------------- robustness

GIFT_PIECES = st.sampled_from(
    [
        "::",
        "{",
        "}",
        "=",
        "~",
        "#",
        "####",
        "%50%",
        "%-100%",
        "%",
        "->",
        "\\",
        "\\n",
        "\n",
        "\n\n",
        "\r",
        "// note\n",
        "$CATEGORY: c\n",
        "[html]",
        "[markdown]",
        "T",
        "FALSE",
        " ",
        "a",
        "東京",
        "\ufeff",
    ]
)


@given(st.text())
def test_it_never_raises_on_arbitrary_text(text):
    questions, problems = parse_gift(text)
    assert isinstance(questions, list)
    assert isinstance(problems, list)


@given(st.lists(GIFT_PIECES | st.text(max_size=3), max_size=40).map("".join))
def test_it_only_returns_importable_questions_with_lines_inside_the_file(text):
    questions, problems = parse_gift(text)
    line_count = len(text.splitlines()) + 1
    for question in questions:
        assert 1 <= question.line <= line_count
        assert len(question.choices) >= 2
        assert question.choose == sum(c.correct for c in question.choices) >= 1
        assert question.stem
    for problem in problems:
        assert 1 <= problem.line <= line_count
        assert problem.message
