"""An edition's page is /<slug>/, after every URL of the site's own: a slug one of those takes
(or a prefix such as /static/ that WhiteNoise answers first) is refused, by the importer and the
admin alike, and nothing is saved."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.utils import translation

from edition.models import Edition, Paragraph, slug_taken_by_site
from edition.source import EditionSourceError
from tests.factories import dump, import_document, make_document

pytestmark = pytest.mark.django_db


def document_with_slug(slug: str) -> dict:
    document = make_document()
    document["edition"]["slug"] = slug
    return document


@pytest.mark.parametrize("slug", ["search", "accounts", "static", "admin"])
def test_import_refuses_a_slug_the_site_uses_and_saves_nothing(tmp_path, slug):
    path = tmp_path / "edition.yaml"
    path.write_text(dump(document_with_slug(slug)), encoding="utf-8")

    with pytest.raises(CommandError) as info:
        call_command("import_edition", str(path))

    assert str(info.value) == (
        f"Import failed, nothing saved. {path}: edition.slug: the slug '{slug}' is taken by the "
        f"site's own pages (/{slug}/), where the edition could never be reached; "
        "choose another slug"
    )
    assert not Edition.objects.exists() and not Paragraph.objects.exists()


def test_a_refused_slug_rolls_back_the_files_imported_before_it(tmp_path):
    good = tmp_path / "a.yaml"
    good.write_text(dump(make_document()), encoding="utf-8")
    bad = tmp_path / "b.yaml"
    bad.write_text(dump(document_with_slug("courses")), encoding="utf-8")

    with pytest.raises(CommandError, match=r"b\.yaml: edition\.slug: the slug 'courses'"):
        call_command("import_edition", str(good), str(bad))

    assert not Edition.objects.exists() and not Paragraph.objects.exists()


def test_the_service_reports_the_refused_slug_as_a_source_error():
    with pytest.raises(EditionSourceError) as info:
        import_document(document_with_slug("annotations"))

    assert info.value.place == "<source>: edition.slug"
    assert "'annotations' is taken by the site's own pages (/annotations/)" in info.value.message
    assert not Edition.objects.exists()


def test_an_ordinary_slug_still_imports(tmp_path, capsys):
    path = tmp_path / "edition.yaml"
    path.write_text(dump(document_with_slug("searching-images")), encoding="utf-8")

    call_command("import_edition", str(path))

    assert "searching-images: created" in capsys.readouterr().out
    assert Edition.objects.get(slug="searching-images").paragraphs.count() == 4


@pytest.mark.parametrize(
    ("slug", "taken"),
    [
        ("i18n", True),  # only i18n/setlang/ exists: /i18n/ itself resolves to nothing
        ("api", True),
        ("tags", True),  # a regular-expression pattern
        ("static", True),  # STATIC_URL, answered by WhiteNoise before any URL pattern
        ("test-interview", False),
        ("searchlight", False),
    ],
)
def test_slug_taken_by_site_sees_prefixes_without_a_page_of_their_own(slug, taken):
    assert slug_taken_by_site(slug) is taken


def test_admin_shows_the_refusal_under_the_slug_field(client, edition):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    data = {
        name: value
        for name, value in model_to_dict(edition).items()
        if name not in ("id", "imported_at", "annotations_changed_at") and value is not None
    }
    data |= {"slug": "search", "keywords": '["Bild", "Archiv"]'}
    creators = list(edition.creators.all())
    data |= {
        "creators-TOTAL_FORMS": str(len(creators)),
        "creators-INITIAL_FORMS": str(len(creators)),
        "creators-MIN_NUM_FORMS": "0",
        "creators-MAX_NUM_FORMS": "1000",
    }
    for index, creator in enumerate(creators):
        data |= {
            f"creators-{index}-id": creator.pk,
            f"creators-{index}-edition": edition.pk,
            f"creators-{index}-position": creator.position,
            f"creators-{index}-family": creator.family,
            f"creators-{index}-given": creator.given,
            f"creators-{index}-role": creator.role,
        }

    response = client.post(f"/admin/edition/edition/{edition.pk}/change/", data)

    assert response.status_code == 200
    assert (
        "the slug &#x27;search&#x27; is taken by the site&#x27;s own pages (/search/)"
        in response.content.decode()
    )
    assert Edition.objects.get(pk=edition.pk).slug == "test-interview"


def test_the_refusal_is_translated():
    edition = Edition(slug="search")
    with translation.override("de"), pytest.raises(ValidationError) as info:
        edition.clean()
    assert "von den eigenen Seiten der Website belegt (/search/)" in str(info.value)
