"""A reader downloads all their data and deletes their account: their annotations deleted or
anonymised as they choose, replies by others kept, memberships, tokens and sessions gone."""

import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from accounts import services
from accounts.models import ApiToken
from accounts.tokens import api_token_create
from annotations import services as annotation_services
from annotations.models import Annotation, AnnotationRevision, IdempotencyKey
from courses.models import Membership
from courses.services import course_create, course_join
from search.models import SearchEntry
from tests.courses.conftest import make_instructor
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

User = get_user_model()
DELETE_URL = "/accounts/delete/"
DATA_URL = "/accounts/data.zip"


@dataclass
class World:
    ada: object
    ben: object
    course: object
    shared: Annotation  # public, ben replied
    group_note: Annotation  # shared with the course, no replies
    private: Annotation
    deleted: Annotation
    own_reply: Annotation  # ada's reply to ben's note
    bens_note: Annotation
    bens_reply: Annotation
    token: str


def note(user, paragraph, body, **fields):
    return annotation_services.annotation_create(
        user=user, paragraph=paragraph, motivation="commenting", body=body, **fields
    )


def reply(user, parent, body):
    return annotation_services.annotation_create(
        user=user, parent=parent, motivation="replying", body=body
    )


@pytest.fixture
def world(edition):
    p2, p3 = edition.paragraphs.get(public_id="p2"), edition.paragraphs.get(public_id="p3")
    ada, ben = make_user("ada", display_name="Ada Archiv"), make_user("ben")
    course = course_create(user=make_instructor(), title="Bildtheorie")
    course_join(user=ada, code=course.join_code)
    course_join(user=ben, code=course.join_code)
    shared = note(ada, p2, "Öffentliche Notiz.", visibility="public", tags=["Archiv"])
    shared = annotation_services.annotation_update(
        user=ada, annotation=shared, body="Öffentliche Notiz, überarbeitet."
    )
    group_note = note(ada, p2, "Für den Kurs.", visibility="group", group=course.group)
    private = note(ada, p3, "Nur für mich.", idempotency_key="k")
    deleted = note(ada, p3, "Schon gelöscht.", visibility="public")
    annotation_services.annotation_delete(user=ada, annotation=deleted)
    bens_note = note(ben, p3, "Bens Frage.", visibility="public")
    own_reply = reply(ada, bens_note, "Adas Antwort.")
    bens_reply = reply(ben, shared, "Bens Antwort an Ada.")
    _token, raw = api_token_create(user=ada, name="Zotero")
    return World(
        ada,
        ben,
        course,
        shared,
        group_note,
        private,
        deleted,
        own_reply,
        bens_note,
        bens_reply,
        raw,
    )


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


def delete_account(client, choice, password=DEFAULT_PASSWORD):
    return client.post(DELETE_URL, {"annotations": choice, "password": password})


def still_there(*annotations) -> list[Annotation | None]:
    return [Annotation.objects.filter(pk=a.pk).first() for a in annotations]


def assert_account_gone(world, other_session):
    assert not User.objects.filter(username="ada").exists()
    assert not Membership.objects.filter(user_id=world.ada.pk).exists()
    assert not world.course.group.members.filter(pk=world.ada.pk).exists()
    assert not ApiToken.objects.filter(user_id=world.ada.pk).exists()
    assert not IdempotencyKey.objects.filter(user_id=world.ada.pk).exists()
    api = Client().get("/api/annotations/", HTTP_AUTHORIZATION=f"Bearer {world.token}")
    assert api.status_code == 401, "the token no longer works"
    assert other_session.get("/accounts/profile/").status_code == 302, "logged out everywhere"
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(world.ada.pk) for s in Session.objects.all()
    )
    # Others' work survives untouched.
    bens_note, bens_reply = still_there(world.bens_note, world.bens_reply)
    assert bens_note.body == "Bens Frage." and bens_reply.body == "Bens Antwort an Ada."


def test_deleting_with_annotations_erases_them_and_keeps_others_replies(world):
    client, elsewhere = logged_in(world.ada), logged_in(world.ada)
    response = delete_account(client, "delete")
    assert response.status_code == 302 and response["Location"] == "/accounts/deleted/"
    assert_account_gone(world, elsewhere)
    shared, group_note, private, deleted, own_reply = still_there(
        world.shared, world.group_note, world.private, world.deleted, world.own_reply
    )
    assert group_note is private is deleted is own_reply is None
    # Ben replied to it: an empty placeholder holds his reply in the thread.
    assert shared.deleted_at is not None and shared.author is None
    assert shared.body == shared.body_html == "" and not shared.tags.exists()
    assert not AnnotationRevision.objects.exists()
    assert not SearchEntry.objects.filter(body__contains="Notiz").exists()
    thread = Client().get(f"/api/annotations/{world.bens_reply.uuid}/").json()
    assert thread["reply_to"] == str(world.shared.uuid)
    placeholder = Client().get(f"/api/annotations/{world.shared.uuid}/").json()
    assert placeholder["deleted"] is True and placeholder["body"] == ""


def test_deleting_with_anonymised_annotations_keeps_the_shared_ones_by_a_former_user(world):
    client, elsewhere = logged_in(world.ada), logged_in(world.ada)
    assert delete_account(client, "anonymise").status_code == 302
    assert_account_gone(world, elsewhere)
    shared, group_note, private, deleted, own_reply = still_there(
        world.shared, world.group_note, world.private, world.deleted, world.own_reply
    )
    assert private is None and deleted is None
    for kept, body in [
        (shared, "Öffentliche Notiz, überarbeitet."),
        (group_note, "Für den Kurs."),
        (own_reply, "Adas Antwort."),
    ]:
        assert kept.author is None and kept.deleted_at is None and kept.body == body
        entry = SearchEntry.objects.get(annotation=kept)
        assert entry.body == body and entry.author == ""
    assert list(shared.tags.names()) == ["Archiv"]
    assert [r.body for r in shared.revisions.all()] == ["Öffentliche Notiz."]
    page = Client().get(world.shared.paragraph.get_absolute_url()).content.decode()
    assert "former user" in page and "Ada Archiv" not in page
    assert Client().get(f"/api/annotations/{world.shared.uuid}/").json()["author"] is None


def test_a_wrong_password_deletes_nothing(world):
    client = logged_in(world.ada)
    response = delete_account(client, "delete", password="not-my-password")
    assert response.status_code == 200
    assert "The password is not correct." in response.content.decode()
    assert User.objects.filter(username="ada").exists()
    assert Annotation.objects.filter(author=world.ada).count() == 5
    assert client.get("/accounts/profile/").status_code == 200


def test_a_choice_is_required(world):
    response = delete_account(logged_in(world.ada), "")
    assert response.status_code == 200
    assert User.objects.filter(username="ada").exists()


def test_the_delete_page_needs_a_login_and_offers_both_choices(client, world):
    assert client.get(DELETE_URL).status_code == 302
    page = logged_in(world.ada).get(DELETE_URL).content.decode()
    assert 'value="anonymise"' in page and 'value="delete"' in page
    assert 'type="password"' in page and DATA_URL in page


def test_the_service_checks_the_password_and_the_choice(world):
    with pytest.raises(services.ValidationError):
        services.account_delete(user=world.ada, password="wrong", annotations="delete")
    with pytest.raises(services.ValidationError):
        services.account_delete(user=world.ada, password=DEFAULT_PASSWORD, annotations="keep")
    assert User.objects.filter(username="ada").exists()


def test_the_profile_links_to_the_download_and_the_deletion(world):
    page = logged_in(world.ada).get("/accounts/profile/").content.decode()
    assert f'href="{DATA_URL}"' in page and f'href="{DELETE_URL}"' in page


# Downloading one's data


def download(world) -> dict:
    response = logged_in(world.ada).get(DATA_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_download_holds_account_courses_annotations_and_history(world):
    files = download(world)
    assert set(files) == {"README.txt", "account.json", "annotations.jsonld", "revisions.json"}
    account = json.loads(files["account.json"])
    assert account["username"] == "ada" and account["email"] == "ada@example.org"
    assert account["display_name"] == "Ada Archiv"
    assert [(c["title"], c["role"]) for c in account["courses"]] == [("Bildtheorie", "student")]
    assert account["groups"] == [world.course.group.slug]
    assert [t["name"] for t in account["api_tokens"]] == ["Zotero"]
    annotations = json.loads(files["annotations.jsonld"])
    assert annotations["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        "http://testserver/annotations/context.jsonld",
    ]
    assert annotations["type"] == "AnnotationCollection" and annotations["total"] == 5
    items = annotations["first"]["items"]
    bodies = {item["body"][0]["value"]: item for item in items}
    assert set(bodies) == {
        "Öffentliche Notiz, überarbeitet.",
        "Für den Kurs.",
        "Nur für mich.",
        "Schon gelöscht.",
        "Adas Antwort.",
    }
    assert "edition:deleted" in bodies["Schon gelöscht."]
    assert bodies["Adas Antwort."]["target"].endswith(f"/annotations/w3c/{world.bens_note.uuid}/")
    revisions = json.loads(files["revisions.json"])
    assert [r["body"] for r in revisions] == ["Öffentliche Notiz."]


def test_the_download_has_no_secret_and_nothing_of_others(world):
    token = ApiToken.objects.get(user=world.ada)
    everything = "".join(download(world).values())
    assert world.token not in everything and token.hashed not in everything
    assert (
        "pbkdf2" not in everything
        and "md5$" not in everything
        and world.ada.password not in everything
    )
    assert "Bens Frage." not in everything and "Bens Antwort an Ada." not in everything


def test_the_download_needs_a_login(client, world):
    assert client.get(DATA_URL).status_code == 302
