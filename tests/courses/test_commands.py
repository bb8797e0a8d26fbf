"""manage.py grant_instructor."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command

from courses.services import is_instructor


def run(*args) -> str:
    out = StringIO()
    call_command("grant_instructor", *args, stdout=out)
    return out.getvalue()


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_grant_and_revoke(user):
    assert run("reader") == "reader is now an instructor.\n"
    assert is_instructor(fresh(user))
    assert "already had the instructor role; nothing changed" in run("reader")
    assert run("reader", "--revoke") == "reader: instructor role revoked.\n"
    assert not is_instructor(fresh(user))
    assert "had no direct instructor role; nothing changed" in run("reader", "--revoke")


def test_revoking_says_when_a_group_still_makes_the_user_an_instructor(user):
    staff_group = AuthGroup.objects.create(name="Instructors")
    staff_group.permissions.add(Permission.objects.get(codename="add_course"))
    user.groups.add(staff_group)
    assert "still an instructor" in run("reader", "--revoke")


def test_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run("ghost")
