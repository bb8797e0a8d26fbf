"""Course pages: who sees what, who may change what, and joining by link or code."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Annotation
from annotations.services import annotation_create
from courses.models import Assignment, Course, Membership
from courses.services import assignment_create, course_create, course_join, joining_set
from edition.models import Paragraph
from tests.courses.conftest import make_instructor
from tests.factories import make_user

LOGIN = "/accounts/login/"


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def member_names(course) -> set[str]:
    return set(course.memberships.values_list("user__username", flat=True))


def course_urls(course) -> dict[str, str]:
    """Every course page, GET and POST, with the data a valid POST would send."""
    slug = course.slug
    return {
        "detail": f"/courses/{slug}/",
        "code": f"/courses/{slug}/code/",
        "joining": f"/courses/{slug}/joining/",
        "remove": f"/courses/{slug}/members/remove/",
        "instructors": f"/courses/{slug}/instructors/",
    }


POSTS = {
    "code": {},
    "joining": {"open": "0"},
    "remove": {"username": "stu"},
    "instructors": {"username": "otto"},
}


# Anonymous visitors and outsiders


@pytest.mark.parametrize("page", ["detail", "code", "joining", "remove", "instructors"])
def test_anonymous_visitors_are_sent_to_log_in(client, course, student, page):
    url = course_urls(course)[page]
    response = client.post(url, POSTS[page]) if page in POSTS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=/courses/")


@pytest.mark.parametrize("page", ["detail", "code", "joining", "remove", "instructors"])
def test_outsiders_get_404_and_change_nothing(client, course, student, outsider, page):
    client.force_login(outsider)
    url = course_urls(course)[page]
    code = course.join_code
    response = client.post(url, POSTS[page]) if page in POSTS else client.get(url)
    assert response.status_code == 404
    assert "Bildtheorie" not in response.content.decode()
    course.refresh_from_db()
    assert course.join_code == code and course.joining_open
    assert member_names(course) == {"ines", "stu"}


def test_a_course_that_does_not_exist_is_the_same_404(client, student):
    client.force_login(student)
    assert client.get("/courses/no-such-course/").status_code == 404


# Students


def test_student_sees_the_course_but_not_its_members_or_code(client, course, student):
    client.force_login(student)
    response = client.get(f"/courses/{course.slug}/")
    page = text(response)
    assert "Bildtheorie" in page and "Sommersemester 2025" in page
    assert "Wir lesen das Interview." in page
    assert "Taught by ines" in page
    assert course.join_code not in page and "Members" not in page and "Remove" not in page


@pytest.mark.parametrize("page", ["code", "joining", "remove", "instructors"])
def test_students_cannot_change_the_course(client, course, student, outsider, page):
    client.force_login(student)
    code = course.join_code
    response = client.post(course_urls(course)[page], POSTS[page])
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.join_code == code and course.joining_open
    assert dict(course.memberships.values_list("user__username", "role")) == {
        "ines": "instructor",
        "stu": "student",
    }


def test_students_cannot_create_courses(client, student):
    client.force_login(student)
    assert client.get("/courses/new/").status_code == 403
    response = client.post("/courses/new/", {"title": "Meiner"})
    assert response.status_code == 403 and not Course.objects.filter(title="Meiner").exists()


# Instructors


def test_instructor_sees_join_link_code_and_members(client, course, instructor, student):
    client.force_login(instructor)
    page = text(client.get(f"/courses/{course.slug}/"))
    assert f"http://testserver/courses/join/{course.join_code}/" in page
    assert f"Or they enter the code {course.join_code} at Join a course" in page
    members = page[page.index("Members") : page.index("Add a co-instructor")]
    assert "ines ines Instructor" in members and "Stu Dent stu Student" in members
    assert "Remove ines" in members and "Remove Stu Dent" in members


def test_instructor_removes_a_student(client, course, instructor, student):
    client.force_login(instructor)
    response = client.post(f"/courses/{course.slug}/members/remove/", {"username": "stu"})
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.slug}/"
    assert member_names(course) == {"ines"}
    assert not course.group.members.filter(username="stu").exists()
    page = text(client.get(response["Location"]))
    assert "Stu Dent was removed from the course." in page
    assert "Stu Dent stu" not in page


def test_removing_the_last_instructor_says_why_not(client, course, instructor):
    client.force_login(instructor)
    response = client.post(
        f"/courses/{course.slug}/members/remove/", {"username": "ines"}, follow=True
    )
    assert "A course needs an instructor; add another one first." in text(response)
    assert member_names(course) == {"ines"}


def test_instructor_adds_a_co_instructor(client, course, instructor, outsider):
    client.force_login(instructor)
    response = client.post(
        f"/courses/{course.slug}/instructors/", {"username": "otto"}, follow=True
    )
    assert "otto is now an instructor of this course." in text(response)
    assert Membership.objects.get(course=course, user=outsider).role == "instructor"


def test_unknown_co_instructor_is_shown_on_the_form(client, course, instructor):
    client.force_login(instructor)
    response = client.post(f"/courses/{course.slug}/instructors/", {"username": "nobody"})
    assert response.status_code == 400
    assert "There is no user named “nobody”." in text(response)
    assert member_names(course) == {"ines"}


def test_instructor_regenerates_the_code(client, course, instructor):
    client.force_login(instructor)
    old = course.join_code
    page = text(client.post(f"/courses/{course.slug}/code/", follow=True))
    course.refresh_from_db()
    assert course.join_code != old
    assert course.join_code in page and old not in page
    assert "A new join code is in place; the old one no longer works." in page


def test_instructor_closes_and_reopens_joining(client, course, instructor):
    client.force_login(instructor)
    page = text(client.post(f"/courses/{course.slug}/joining/", {"open": "0"}, follow=True))
    course.refresh_from_db()
    assert not course.joining_open
    assert "Joining is closed: the link and the code do not work." in page
    assert course.join_code not in page and "Open joining" in page
    client.post(f"/courses/{course.slug}/joining/", {"open": "1"})
    course.refresh_from_db()
    assert course.joining_open


def test_course_changes_need_post(client, course, instructor):
    client.force_login(instructor)
    old = course.join_code
    assert client.get(f"/courses/{course.slug}/code/").status_code == 405
    course.refresh_from_db()
    assert course.join_code == old


def test_posts_without_csrf_token_are_refused(course, instructor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    old = course.join_code
    response = client.post(f"/courses/{course.slug}/code/")
    assert response.status_code == 403 and b"CSRF" in response.content
    course.refresh_from_db()
    assert course.join_code == old


def test_pages_carry_csrf_tokens_in_their_forms(client, course, instructor, student):
    client.force_login(instructor)
    html = client.get(f"/courses/{course.slug}/").content.decode()
    # six course forms (the tag vocabulary's among them) and the header's log-out form; the
    # header's language form needs none (it sets a preference cookie only, see config/urls.py)
    assert html.count('method="post"') == 8
    assert html.count('name="csrfmiddlewaretoken"') == 7


# Course list and creation


def test_course_list_shows_my_courses_and_new_course_for_instructors(client, course, instructor):
    client.force_login(instructor)
    page = text(client.get("/courses/"))
    assert "Bildtheorie Sommersemester 2025 · You teach this course" in page
    assert "New course" in page


def test_course_list_for_a_student(client, course, student):
    client.force_login(student)
    page = text(client.get("/courses/"))
    assert "Bildtheorie Sommersemester 2025 · Student" in page
    assert "New course" not in page and "Join a course with a code" in page


def test_course_list_for_someone_without_courses(client, outsider, course):
    client.force_login(outsider)
    page = text(client.get("/courses/"))
    assert "You are not in a course yet." in page and "Bildtheorie" not in page


def test_header_links_to_courses_when_logged_in(client, outsider):
    assert 'href="/courses/"' not in client.get("/courses/join/", follow=True).content.decode()
    client.force_login(outsider)
    assert '<a href="/courses/">Courses</a>' in client.get("/courses/").content.decode()


def test_instructor_creates_a_course(client, instructor):
    client.force_login(instructor)
    response = client.post(
        "/courses/new/", {"title": "Lektüre", "term": "WS 25/26", "description": "Lesen."}
    )
    course = Course.objects.get(title="Lektüre")
    assert response["Location"] == f"/courses/{course.slug}/"
    page = text(client.get(response["Location"]))
    assert "The course has been created. Share its join link." in page
    assert course.join_code in page


def test_creating_a_course_without_title_shows_the_error(client, instructor):
    client.force_login(instructor)
    response = client.post("/courses/new/", {"title": "", "term": "WS"})
    assert "This field is required." in text(response)
    assert not Course.objects.exists()


# Joining


def test_join_link_asks_before_joining(client, course, outsider):
    client.force_login(outsider)
    response = client.get(f"/courses/join/{course.join_code}/")
    page = text(response)
    assert "Bildtheorie" in page and "Join “Bildtheorie”" in page
    assert f'action="/courses/join/{course.join_code}/"' in response.content.decode()
    assert member_names(course) == {"ines"}


def test_posting_the_join_link_joins_and_opens_the_course(client, course, outsider):
    client.force_login(outsider)
    response = client.post(f"/courses/join/{course.join_code}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/courses/{course.slug}/"
    assert "You are a member of this course." in text(response)
    assert course.memberships.get(user=outsider).role == "student"
    assert course.group.members.filter(pk=outsider.pk).exists()


def test_join_link_sends_anonymous_visitors_to_log_in_and_back(client, course):
    response = client.get(f"/courses/join/{course.join_code}/")
    assert response["Location"] == f"{LOGIN}?next=/courses/join/{course.join_code}/"


def test_join_link_for_a_member_says_so(client, course, student):
    client.force_login(student)
    page = text(client.get(f"/courses/join/{course.join_code}/"))
    assert "You are already a member of this course." in page and "Join “" not in page


def test_join_link_with_an_unknown_code(client, course, outsider):
    client.force_login(outsider)
    response = client.get("/courses/join/WRONG234/")
    assert response.status_code == 400
    assert "No course has this join code." in text(response)
    assert 'value="WRONG234"' in response.content.decode()
    assert "Bildtheorie" not in text(response)


def test_join_link_of_a_closed_course(client, course, instructor, outsider):
    joining_set(user=instructor, course=course, is_open=False)
    client.force_login(outsider)
    page = text(client.get(f"/courses/join/{course.join_code}/"))
    assert "Joining this course is closed. Ask your instructor to open it." in page
    assert "Join “" not in page
    response = client.post(f"/courses/join/{course.join_code}/")
    assert response.status_code == 400
    assert "Joining this course is closed." in text(response)
    assert member_names(course) == {"ines"}


def test_join_form_with_a_typed_code(client, course, outsider):
    client.force_login(outsider)
    typed = f"{course.join_code[:4]} {course.join_code[4:]}".lower()
    response = client.post("/courses/join/", {"code": typed})
    assert response["Location"] == f"/courses/{course.slug}/"
    assert "otto" in member_names(course)


def test_join_form_with_a_wrong_code(client, course, outsider):
    client.force_login(outsider)
    response = client.post("/courses/join/", {"code": "ABCDEFGH"})
    assert "No course has this join code." in text(response)
    assert member_names(course) == {"ines"}


def test_an_old_join_link_stops_working_after_a_new_code(client, course, instructor, outsider):
    old = course.join_code
    client.force_login(instructor)
    client.post(f"/courses/{course.slug}/code/")
    client.force_login(outsider)
    assert client.post(f"/courses/join/{old}/").status_code == 400
    assert member_names(course) == {"ines"}


# Assignments


def assignment_urls(course, assignment) -> dict[str, str]:
    base = f"/courses/{course.slug}/assignments/"
    return {
        "new": f"{base}new/",
        "detail": f"{base}{assignment.pk}/",
        "edit": f"{base}{assignment.pk}/edit/",
    }


def assignment_post(**changes) -> dict:
    data = {
        "title": "Woche 2",
        "instructions": "Markieren Sie *Thesen*.",
        "edition": "test-interview",
        "start": "p1",
        "end": "p4",
        "opens_at": "2030-04-14T10:00",
        "due_at": "2030-04-21T10:00",
        "min_annotations": "3",
        "min_replies": "1",
    }
    return data | changes


@pytest.mark.parametrize("page", ["new", "detail", "edit"])
def test_assignment_pages_are_404_for_outsiders(client, assignment, course, outsider, page):
    client.force_login(outsider)
    url = assignment_urls(course, assignment)[page]
    assert client.get(url).status_code == 404
    if page != "detail":
        assert client.post(url, assignment_post()).status_code == 404
    assert list(course.assignments.values_list("title", flat=True)) == ["Archiv und Bild"]


@pytest.mark.parametrize("page", ["new", "detail", "edit"])
def test_assignment_pages_send_anonymous_visitors_to_log_in(client, assignment, course, page):
    response = client.get(assignment_urls(course, assignment)[page])
    assert response["Location"].startswith(f"{LOGIN}?next=/courses/{course.slug}/assignments/")


def test_a_student_of_another_course_cannot_reach_its_assignment(
    client, assignment, course, edition
):
    other = course_create(user=make_instructor("ola"), title="Anderer Kurs")
    reader = make_user("rita")
    course_join(user=reader, code=other.join_code)
    client.force_login(reader)
    assert client.get(f"/courses/{course.slug}/assignments/{assignment.pk}/").status_code == 404
    # nor through the URL of their own course
    assert client.get(f"/courses/{other.slug}/assignments/{assignment.pk}/").status_code == 404
    own = assignment_create(
        user=other.created_by,
        course=other,
        title="Eigene",
        edition=edition,
        due_at=assignment.due_at,
    )
    assert client.get(f"/courses/{other.slug}/assignments/{own.pk}/").status_code == 200


def test_student_reads_the_assignment(client, assignment, course, student):
    client.force_login(student)
    response = client.get(assignment_urls(course, assignment)["detail"])
    html, page = response.content.decode(), text(response)
    assert "Archiv und Bild" in page
    assert "<p>Lesen Sie <strong>genau</strong>.</p>" in html
    assert "Paragraphs p2–p3 of Ein Testgespräch" in page
    assert "at least 2 annotations and 1 reply in the range" in page
    assert f'href="/test-interview/?assignment={assignment.pk}#p2"' in html
    assert "Edit the assignment" not in page


def test_students_cannot_create_or_edit_assignments(client, assignment, course, student):
    client.force_login(student)
    urls = assignment_urls(course, assignment)
    assert client.get(urls["new"]).status_code == 403
    assert client.get(urls["edit"]).status_code == 403
    assert client.post(urls["new"], assignment_post()).status_code == 403
    assert client.post(urls["edit"], assignment_post(title="Meins")).status_code == 403
    assert list(course.assignments.values_list("title", flat=True)) == ["Archiv und Bild"]


def test_course_page_lists_the_assignments(client, assignment, course, student):
    client.force_login(student)
    page = text(client.get(f"/courses/{course.slug}/"))
    assert "Assignments Archiv und Bild p2–p3 · due" in page
    assert "New assignment" not in page


def test_instructor_creates_an_assignment(client, course, instructor, edition):
    client.force_login(instructor)
    form = text(client.get(f"/courses/{course.slug}/assignments/new/"))
    assert "From paragraph" in form and "Annotations expected" in form
    response = client.post(f"/courses/{course.slug}/assignments/new/", assignment_post())
    assignment = course.assignments.get()
    assert response["Location"] == f"/courses/{course.slug}/assignments/{assignment.pk}/"
    assert assignment.instructions_html == "<p>Markieren Sie <em>Thesen</em>.</p>"
    assert assignment.end_paragraph.public_id == "p4"
    assert timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M") == "2030-04-21 10:00"
    page = text(client.get(response["Location"]))
    assert "The assignment has been created." in page and "Edit the assignment" in page


def test_assignment_form_shows_each_error_at_its_field(client, course, instructor, edition):
    client.force_login(instructor)
    response = client.post(
        f"/courses/{course.slug}/assignments/new/",
        assignment_post(start="p4", end="p2", due_at="2030-04-01T10:00"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    due = html[html.index('for="id_due_at"') : html.index('id="id_due_at"')]
    assert "The due date must be after the opening (" in due
    end = html[html.index('for="id_end"') : html.index('id="id_end"')]
    assert "The range runs backwards: p2 comes before p4." in end
    assert 'value="p4"' in html  # what was typed stays
    assert not course.assignments.exists()


def test_instructor_edits_an_assignment(client, assignment, course, instructor):
    client.force_login(instructor)
    url = assignment_urls(course, assignment)["edit"]
    html = client.get(url).content.decode()
    assert 'value="Archiv und Bild"' in html and 'value="p2"' in html and 'value="p3"' in html
    assert 'type="datetime-local"' in html
    response = client.post(url, assignment_post(title="Archiv, neu gelesen", start="p1"))
    assert response["Location"] == assignment_urls(course, assignment)["detail"]
    assignment.refresh_from_db()
    assert (
        assignment.title == "Archiv, neu gelesen" and assignment.start_paragraph.public_id == "p1"
    )


# Dashboard and progress


def annotate(user, course, public_id=None, *, reply_to=None):
    """A note on a paragraph of the test edition shared with the course, or a reply."""
    if reply_to is not None:
        return annotation_create(user=user, parent=reply_to, motivation="replying", body="Ja.")
    return annotation_create(
        user=user,
        paragraph=Paragraph.objects.get(edition__slug="test-interview", public_id=public_id),
        motivation="commenting",
        body="Notiz.",
        visibility="group",
        group=course.group,
    )


def test_dashboard_shows_each_assignment_with_the_students_status(
    client, assignment, course, student
):
    annotate(student, course, "p2")
    client.force_login(student)
    response = client.get("/courses/")
    page = text(response)
    assert "Bildtheorie Sommersemester 2025 · Student Archiv und Bild in progress p2–p3" in page
    assert "1 of 2 annotations, 0 of 1 replies" in page
    html = response.content.decode()
    assert '<span class="status status--in-progress">in progress</span>' in html
    assert f'href="/test-interview/?assignment={assignment.pk}#p2"' in html


def test_dashboard_shows_done_and_late(client, assignment, course, student, instructor):
    annotate(student, course, "p2")
    annotate(student, course, "p3")
    annotate(student, course, reply_to=annotate(instructor, course, "p2"))
    late = assignment_create(
        user=instructor,
        course=course,
        title="Verpasst",
        edition=assignment.edition,
        start="p4",
        end="p4",
        opens_at=timezone.now() - timedelta(days=3),
        due_at=timezone.now() - timedelta(days=1),
        min_annotations=1,
        min_replies=0,
    )
    client.force_login(student)
    page = text(client.get("/courses/"))
    assert "Archiv und Bild done" in page and "2 of 2 annotations, 1 of 1 replies" in page
    assert "Verpasst late p4–p4" in page and "0 of 1 annotations" in page
    assert late.title in page


def test_dashboard_of_an_instructor_links_to_progress(client, assignment, course, instructor):
    client.force_login(instructor)
    response = client.get("/courses/")
    assert "You teach this course Archiv und Bild p2–p3" in text(response)
    progress_url = f"/courses/{course.slug}/assignments/{assignment.pk}/progress/"
    assert f'href="{progress_url}"' in response.content.decode()
    assert "status--" not in response.content.decode()


def test_assignment_page_shows_the_students_own_progress(client, assignment, course, student):
    annotate(student, course, "p3")
    client.force_login(student)
    page = text(client.get(f"/courses/{course.slug}/assignments/{assignment.pk}/"))
    assert "Your progress: in progress 1 of 2 annotations, 0 of 1 replies" in page
    assert "Students' progress" not in page


def test_progress_page_counts_each_students_work(client, assignment, course, student, instructor):
    classmate = make_user("cleo", display_name="Cleo Classmate")
    course_join(user=classmate, code=course.join_code)
    annotate(student, course, "p2")
    annotate(classmate, course, "p2")
    annotate(classmate, course, "p3")
    annotate(classmate, course, reply_to=annotate(instructor, course, "p3"))
    annotate(classmate, course, "p4")  # outside the range
    client.force_login(instructor)
    page = text(client.get(f"/courses/{course.slug}/assignments/{assignment.pk}/progress/"))
    table = page[page.index("Student Annotations Replies") :]
    assert "Cleo Classmate 2 / 2 1 / 1 0 done" in table
    assert "Stu Dent 1 / 2 0 / 1 0 in progress" in table
    assert "ines" not in table  # instructors are not students


def test_progress_page_shows_work_after_the_due_date_as_late(
    client, assignment, course, student, instructor
):
    due = timezone.now() - timedelta(hours=1)
    Assignment.objects.filter(pk=assignment.pk).update(due_at=due)
    on_time = [annotate(student, course, public_id).pk for public_id in ("p2", "p3")]
    Annotation.objects.filter(pk__in=on_time).update(created=due - timedelta(hours=1))
    annotate(student, course, reply_to=annotate(instructor, course, "p2"))  # made now: late
    client.force_login(instructor)
    page = text(client.get(f"/courses/{course.slug}/assignments/{assignment.pk}/progress/"))
    assert "Stu Dent 2 / 2 1 / 1 1 late" in page


@pytest.mark.parametrize("who", ["outsider", "student"])
def test_progress_page_is_for_instructors_only(client, assignment, course, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/courses/{course.slug}/assignments/{assignment.pk}/progress/")
    assert response.status_code == (404 if who == "outsider" else 403)
    assert "Stu Dent" not in response.content.decode()


def test_progress_page_queries_do_not_grow_with_students(
    client, assignment, course, instructor, django_assert_max_num_queries
):
    def join(first, last):
        for number in range(first, last):
            user = make_user(f"student{number}", display_name=f"Student {number}")
            course_join(user=user, code=course.join_code)
            annotate(user, course, "p2")

    url = f"/courses/{course.slug}/assignments/{assignment.pk}/progress/"
    client.force_login(instructor)
    join(0, 3)
    with CaptureQueriesContext(connection) as three:
        assert text(client.get(url)).count("1 / 2 0 / 1 0 in progress") == 3
    join(3, 10)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert text(client.get(url)).count("1 / 2 0 / 1 0 in progress") == 10
