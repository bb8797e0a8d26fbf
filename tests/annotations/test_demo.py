"""load_demo with the shipped demo file: the demo data is the thing under test here, and only here."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Profile
from annotations.demo import DEMO_FILE
from annotations.models import Annotation, Group, TaggedAnnotation
from edition.services import edition_import
from edition.source import load_source_file

pytestmark = pytest.mark.django_db

DEMO_PATH = Path(settings.BASE_DIR) / DEMO_FILE


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
    models = (get_user_model(), Profile, Group, Annotation, TaggedAnnotation)
    return {model.__name__: model.objects.count() for model in models}


def write(tmp_path, document) -> Path:
    path = tmp_path / "demo.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_load_creates_the_users_group_annotations_and_threads_of_the_file(
    shipped_edition, demo_document
):
    output = load_demo()

    items = demo_document["annotations"]
    replies = sum(len(item.get("replies", [])) for item in items)
    assert output.strip() == (
        f"erz-2023 demo: created 4 users, 1 group, {len(items)} annotations, {replies} replies"
    )
    assert len(items) >= 12 and replies >= 4
    assert Annotation.objects.filter(parent__isnull=True).count() == len(items)
    assert Annotation.objects.filter(motivation="replying").count() == replies
    threads = Annotation.objects.filter(parent__isnull=False).values("root").distinct()
    assert threads.count() == 2

    names = {p.user.username: p.display_name for p in Profile.objects.select_related("user")}
    assert names == {
        "lena": "Lena Vogt",
        "jonas": "Jonas Brandt",
        "mira": "Mira Okafor",
        "dozentin": "Dr. Katrin Held",
    }
    group = Group.objects.get(slug="seminar-bildarchive")
    assert group.name == "Seminar Bildarchive (WS 2026/27)"
    assert sorted(group.members.values_list("username", flat=True)) == sorted(names)

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


def test_demo_users_sign_in_with_the_password_of_the_file(shipped_edition, demo_document):
    load_demo()

    for username in ("lena", "jonas", "mira", "dozentin"):
        assert authenticate(username=username, password=demo_document["password"]) is not None


def test_second_run_says_already_loaded_and_changes_nothing(shipped_edition):
    load_demo()
    before = counts()

    output = load_demo()

    assert output.strip() == (
        "erz-2023 demo: already loaded (users dozentin, jonas, lena, mira exist); nothing changed"
    )
    assert counts() == before


def test_dry_run_reports_and_saves_nothing(shipped_edition):
    before = counts()

    output = load_demo("--dry-run")

    assert "created 4 users" in output and "Dry run: nothing saved." in output
    assert counts() == before


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (3, {"paragraph": "p99"}, "annotations[3].paragraph: unknown paragraph 'p99'"),
        (3, {"paragraph": "p5"}, "annotations[3].quote: not found in p5"),
        (0, {"quote": "Bilder"}, "annotations[0].quote: occurs 4 times in p3"),
        (0, {"author": "ghost"}, "annotations[0].author: unknown user 'ghost'"),
        (0, {"colour": "orange"}, "annotations[0].colour: 'orange' is not one of"),
    ],
)
def test_bad_file_names_the_place_and_saves_nothing(
    shipped_edition, demo_document, tmp_path, index, change, message
):
    demo_document["annotations"][index].update(change)
    path = write(tmp_path, demo_document)
    before = counts()

    with pytest.raises(CommandError) as info:
        load_demo(str(path))

    assert str(info.value).startswith(f"Demo data not loaded, nothing saved. {path}: {message}")
    assert counts() == before


def test_error_found_while_writing_rolls_back_what_was_written(
    shipped_edition, demo_document, tmp_path
):
    demo_document["annotations"][-1]["body"] = "A highlight with a note."
    path = write(tmp_path, demo_document)
    before = counts()

    with pytest.raises(CommandError) as info:
        load_demo(str(path))

    last = len(demo_document["annotations"]) - 1
    assert f"annotations[{last}].body: a highlight has no note" in str(info.value)
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
