"""load_demo with the shipped demo file: the demo data is the thing under test here, and only here."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Profile
from annotations.models import Annotation, Group, TaggedAnnotation
from courses.demo import DEMO_FILE
from courses.models import Assignment, Course, Membership
from courses.selectors import assignment_progress
from courses.services import is_instructor
from edition.services import edition_import
from edition.source import load_source_file

pytestmark = pytest.mark.django_db

DEMO_PATH = Path(settings.BASE_DIR) / DEMO_FILE
PASSWORD = "demo-Passwort-2026"
COURSE = "Bildarchive und KI (WS 2026/27)"
LOGINS = f"""\
Demo logins, for the local run only (password of every demo account: {PASSWORD}):
  dozentin  Dr. Katrin Held  instructor of {COURSE}
  lena      Lena Vogt        student in {COURSE}
  jonas     Jonas Brandt     student in {COURSE}
  mira      Mira Okafor      student in {COURSE}
"""


@pytest.fixture(autouse=True)
def local_run(settings):
    """The demo is for the local run, where DEBUG is on (scripts/run.sh)."""
    settings.DEBUG = True


@pytest.fixture
def shipped_edition(db):
    edition_import(source=load_source_file(Path(settings.EDITION_SOURCE_DIR) / "erz-2023.yaml"))


@pytest.fixture
def demo_document():
    return yaml.safe_load(DEMO_PATH.read_text(encoding="utf-8"))


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    user_model = get_user_model()
    models = (
        user_model,
        user_model.user_permissions.through,
        Profile,
        Group,
        Course,
        Membership,
        Assignment,
        Annotation,
        TaggedAnnotation,
    )
    return {model.__name__: model.objects.count() for model in models}


def write(tmp_path, document) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_load_creates_the_users_course_annotations_and_threads_of_the_file(
    shipped_edition, demo_document
):
    output = load_demo()

    items = demo_document["annotations"]
    replies = sum(len(item.get("replies", [])) for item in items)
    assert output.splitlines()[0] == (
        f"erz-2023 demo: created 4 users, 1 course, 2 assignments, {len(items)} annotations, "
        f"{replies} replies"
    )
    assert len(items) >= 12 and replies >= 4
    assert Annotation.objects.filter(parent__isnull=True).count() == len(items)
    assert Annotation.objects.filter(motivation="replying").count() == replies
    threads = Annotation.objects.filter(parent__isnull=False).values("root").distinct()
    assert threads.count() == 4

    names = {p.user.username: p.display_name for p in Profile.objects.select_related("user")}
    assert names == {
        "lena": "Lena Vogt",
        "jonas": "Jonas Brandt",
        "mira": "Mira Okafor",
        "dozentin": "Dr. Katrin Held",
    }
    roots = Annotation.objects.filter(parent__isnull=True)
    assert set(roots.values_list("visibility", flat=True)) == {"private", "group", "public"}
    assert set(roots.values_list("motivation", flat=True)) == {
        "highlighting",
        "commenting",
        "questioning",
    }
    highlights = roots.filter(motivation="highlighting")
    assert highlights.values("colour").distinct().count() >= 3
    assert roots.filter(position_start__isnull=True).exists()
    tags = set(TaggedAnnotation.objects.values_list("tag__name", flat=True))
    assert {"Methode", "These", "Begriff", "Archiv", "KI"} <= tags
    html = "".join(roots.values_list("body_html", flat=True))
    assert "<em>" in html and "<li>" in html and '<a href="https://' in html


def test_the_course_has_its_instructor_students_and_group(shipped_edition):
    load_demo()

    course = Course.objects.get()
    assert (course.title, course.term) == ("Bildarchive und KI", "WS 2026/27")
    assert course.description.startswith("Wir lesen das Interview mit Roland Meyer")
    members = dict(course.memberships.values_list("user__username", "role"))
    assert members == {
        "dozentin": Membership.Role.INSTRUCTOR,
        "lena": Membership.Role.STUDENT,
        "jonas": Membership.Role.STUDENT,
        "mira": Membership.Role.STUDENT,
    }
    assert course.created_by.username == "dozentin"
    assert Group.objects.get() == course.group
    assert sorted(course.group.members.values_list("username", flat=True)) == sorted(members)
    users = {user.username: user for user in get_user_model().objects.all()}
    assert is_instructor(users["dozentin"])
    assert not any(is_instructor(users[name]) for name in ("lena", "jonas", "mira"))


def test_notes_shared_with_the_course_go_to_its_group(shipped_edition, demo_document):
    load_demo()

    course = Course.objects.get()
    for_course = [item for item in demo_document["annotations"] if "course" in item]
    shared = Annotation.objects.filter(parent__isnull=True, visibility="group")
    assert shared.count() == len(for_course) >= 5
    assert set(shared.values_list("group", flat=True)) == {course.group_id}
    assert not Annotation.objects.filter(group__isnull=False).exclude(group=course.group).exists()


def test_two_assignments_on_different_passages_open_since_yesterday(shipped_edition):
    before = timezone.now().replace(second=0, microsecond=0)
    load_demo()
    after = timezone.now()

    first, second = Assignment.objects.select_related("start_paragraph", "end_paragraph")
    assert (first.title, first.start_paragraph.public_id, first.end_paragraph.public_id) == (
        "Operative Bilder",
        "p2",
        "p9",
    )
    assert (second.title, second.start_paragraph.public_id, second.end_paragraph.public_id) == (
        "Generative Suche",
        "p20",
        "p24",
    )
    for assignment, days in ((first, 7), (second, 14)):
        assert before - timedelta(days=1) <= assignment.opens_at <= after - timedelta(days=1)
        assert assignment.due_at - assignment.opens_at == timedelta(days=days + 1)
        assert (assignment.min_annotations, assignment.min_replies) == (2, 1)
        assert assignment.created_by.username == "dozentin"
        assert "<strong>" in assignment.instructions_html
    assert "<li>" in first.instructions_html and "<ol>" in second.instructions_html


def test_demo_students_stand_at_different_points_of_the_assignments(shipped_edition):
    load_demo()

    statuses = {
        assignment.title: {
            membership.user.username: membership.progress.status.value
            for membership in assignment_progress(assignment)
        }
        for assignment in Assignment.objects.all()
    }
    assert statuses == {
        "Operative Bilder": {"jonas": "done", "lena": "in-progress", "mira": "in-progress"},
        "Generative Suche": {"jonas": "not-started", "lena": "in-progress", "mira": "in-progress"},
    }


def test_every_demo_selector_is_the_paragraph_text_at_its_position(shipped_edition, demo_document):
    load_demo()

    anchored = Annotation.objects.filter(position_start__isnull=False).select_related("paragraph")
    quotes = [item["quote"] for item in demo_document["annotations"] if "quote" in item]
    assert sorted(anchored.values_list("quote_exact", flat=True)) == sorted(quotes)
    for annotation in anchored:
        text = annotation.paragraph.text
        start, end = annotation.position_start, annotation.position_end
        assert text[start:end] == annotation.quote_exact
        assert text[:start].endswith(annotation.quote_prefix)
        assert text[end:].startswith(annotation.quote_suffix)


def test_the_logins_are_printed_and_work(shipped_edition, demo_document):
    output = load_demo()

    assert output.endswith(LOGINS)
    assert demo_document["password"] == PASSWORD
    for username in ("lena", "jonas", "mira", "dozentin"):
        assert authenticate(username=username, password=PASSWORD) is not None


def test_second_run_says_already_loaded_and_changes_nothing(shipped_edition):
    load_demo()
    before = counts()

    output = load_demo()

    assert output == (
        "erz-2023 demo: already loaded (users dozentin, jonas, lena, mira exist); nothing changed\n"
        + LOGINS
    )
    assert counts() == before


def test_dry_run_reports_and_saves_nothing(shipped_edition):
    before = counts()

    output = load_demo("--dry-run")

    assert "created 4 users, 1 course, 2 assignments" in output
    assert output.rstrip().endswith("Dry run: nothing saved.")
    assert "Demo logins" not in output
    assert counts() == before


def test_with_debug_off_it_refuses_and_creates_no_account(shipped_edition, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError) as info:
        load_demo()

    assert str(info.value).startswith("Demo data not loaded: DEBUG is off.")
    assert "--force" in str(info.value)
    assert not get_user_model().objects.exists()


def test_with_debug_off_force_loads_and_dry_run_only_checks(shipped_edition, settings):
    settings.DEBUG = False

    assert "Dry run: nothing saved." in load_demo("--dry-run")
    assert not get_user_model().objects.exists()

    assert load_demo("--force").endswith(LOGINS)
    assert Course.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["annotations"][3].update(paragraph="p99"),
            "annotations[3].paragraph: unknown paragraph 'p99'",
        ),
        (
            lambda d: d["annotations"][3].update(paragraph="p5"),
            "annotations[3].quote: not found in p5",
        ),
        (
            lambda d: d["annotations"][0].update(quote="Bilder"),
            "annotations[0].quote: occurs 4 times in p3",
        ),
        (
            lambda d: d["annotations"][0].update(author="ghost"),
            "annotations[0].author: unknown user 'ghost'",
        ),
        (
            lambda d: d["annotations"][0].update(colour="orange"),
            "annotations[0].colour: 'orange' is not one of",
        ),
        (
            lambda d: d["annotations"][0].update(course="seminar"),
            "annotations[0].course: unknown course 'seminar'",
        ),
        (lambda d: d.update(format=1), "format: unsupported format 1, expected 2"),
        (
            lambda d: d["courses"][0].update(instructor="ghost"),
            "courses[0].instructor: unknown user 'ghost'",
        ),
        (
            lambda d: d["courses"][0]["students"].append("ghost"),
            "courses[0].students: unknown users: ghost",
        ),
        (
            lambda d: d["courses"][0]["students"].append("dozentin"),
            "courses[0].students: each member once; the instructor is not a student",
        ),
        (
            lambda d: d["courses"][0]["assignments"][1].update(end="p40"),
            "courses[0].assignments[1].end: unknown paragraph 'p40'",
        ),
        (
            lambda d: d["courses"][0]["assignments"][0].update(due_in_days="next week"),
            "courses[0].assignments[0].due_in_days: must be a whole number, not 'next week'",
        ),
        (
            lambda d: d["courses"][0]["assignments"][0].update(room="HS 1"),
            "courses[0].assignments[0]: unknown keys: room",
        ),
    ],
)
def test_bad_file_names_the_place_and_saves_nothing(
    shipped_edition, demo_document, tmp_path, change, message
):
    change(demo_document)
    path = write(tmp_path, demo_document)
    before = counts()

    with pytest.raises(CommandError) as info:
        load_demo(str(path))

    assert str(info.value).startswith(f"Demo data not loaded, nothing saved. {path}: {message}")
    assert counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["annotations"][-1].update(body="A highlight with a note."),
            "annotations[{last}].body: a highlight has no note",
        ),
        (
            lambda d: d["courses"][0]["assignments"][1].update(start="p24", end="p20"),
            "courses[0].assignments[1].end: The range runs backwards: p20 comes before p24.",
        ),
        (
            lambda d: d["courses"][0]["assignments"][0].update(due_in_days=-2),
            "courses[0].assignments[0].due_in_days: The due date must be after the opening",
        ),
        (
            lambda d: d["courses"][0]["assignments"][0].update(min_annotations=0, min_replies=0),
            "courses[0].assignments[0].min_annotations: Expect at least one annotation or one "
            "reply.",
        ),
    ],
)
def test_error_found_while_writing_rolls_back_what_was_written(
    shipped_edition, demo_document, tmp_path, change, message
):
    change(demo_document)
    path = write(tmp_path, demo_document)
    before = counts()

    with pytest.raises(CommandError) as info:
        load_demo(str(path))

    last = len(demo_document["annotations"]) - 1
    assert f"{path}: {message.format(last=last)}" in str(info.value)
    assert counts() == before


def test_edition_must_be_imported_first():
    with pytest.raises(CommandError) as info:
        load_demo()

    assert "edition: 'erz-2023' is not imported; run `python manage.py import_edition` first" in (
        str(info.value)
    )
    assert not get_user_model().objects.exists()


def test_demo_username_taken_by_another_account_stops_the_load(shipped_edition, make_user):
    make_user("mira")
    before = counts()

    with pytest.raises(CommandError) as info:
        load_demo()

    assert "users: usernames already taken by other accounts: mira" in str(info.value)
    assert counts() == before
