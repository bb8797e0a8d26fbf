import pytest

from tests import factories


@pytest.fixture
def document():
    return factories.make_document()


@pytest.fixture
def edition(db):
    return factories.make_edition()


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def user(db):
    return factories.make_user()
