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


@pytest.fixture(autouse=True)
def _fresh_cache_and_edition_stamps(monkeypatch):
    """Each test starts with an empty cache. A test's transaction never commits, so the
    edition's "annotations changed" stamp, set after a commit in production, is set at once."""
    from django.core.cache import cache

    from reading import page_cache

    cache.clear()
    page_cache._local.clear()
    monkeypatch.setattr(
        "annotations.changes.on_commit", lambda callback, *args, **kwargs: callback()
    )
