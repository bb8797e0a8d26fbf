"""The admin shows courses read-only and offers the instructor role on the user's page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from courses.services import is_instructor


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    return client


def test_course_admin_lists_and_shows_courses_without_changing_them(
    admin_client, course, student, assignment
):
    listing = admin_client.get("/admin/courses/course/").content.decode()
    assert "Bildtheorie" in listing and "Add course" not in listing
    page = admin_client.get(f"/admin/courses/course/{course.pk}/change/").content.decode()
    assert "stu" in page and "Student" in page and 'name="_save"' not in page
    assignments = admin_client.get("/admin/courses/assignment/").content.decode()
    assert "Archiv und Bild" in assignments


def test_user_admin_offers_the_instructor_role(admin_client, user):
    permission = Permission.objects.get(codename="add_course")
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    assert "Is an instructor: can create courses" in page
    data = {
        "username": "reader",
        "email": "reader@example.org",
        "is_active": "on",
        "user_permissions": [str(permission.pk)],
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2025-01-01",
        "initial-date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(user.profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-display_name": "",
    }
    response = admin_client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_instructor(get_user_model().objects.get(pk=user.pk))
