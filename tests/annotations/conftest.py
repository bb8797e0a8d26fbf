import pytest

from annotations.models import Group


@pytest.fixture
def people(db, django_user_model):
    """Three readers: ann and ben share a group; cy is outside it."""
    users = {
        name: django_user_model.objects.create_user(name, f"{name}@example.org", "pw-Secret-123")
        for name in ("ann", "ben", "cy")
    }
    group = Group.objects.create(name="Seminar A", slug="seminar-a")
    group.members.add(users["ann"], users["ben"])
    users["group"] = group
    return users


@pytest.fixture
def p2(edition):
    return edition.paragraphs.get(public_id="p2")
