"""The reading view's annotation parts: filters, margin counts, the script's config and the
thread fragments the script inserts after a save."""

import json
import re

from django.test import Client

from annotations.services import TextSelector, annotation_create, annotation_delete


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _note(user, paragraph, body, **kwargs):
    kwargs.setdefault("visibility", "public")
    kwargs.setdefault("motivation", "commenting")
    return annotation_create(user=user, paragraph=paragraph, body=body, **kwargs)


def _threads(html: str) -> list[str]:
    return re.findall(r'<li class="annotation thread[^"]*" id="annotation-([0-9a-f-]+)"', html)


def test_filters_choose_threads_by_scope_tag_and_author(people, p2):
    ann, ben = people["ann"], people["ben"]
    mine = _note(ann, p2, "Meins", visibility="private", tags=["Methode"])
    group = _note(ben, p2, "Gruppe", visibility="group", group=people["group"], tags=["These"])
    public = _note(ben, p2, "Öffentlich", tags=["Methode"])
    client = _client(ann)

    def shown(query: str) -> set[str]:
        page = client.get(f"/test-interview/?{query}").content.decode()
        # The page hands its filters on to the script, which fetches each paragraph's threads.
        source = re.search(r'data-threads-src="([^"]*)"', page.split('id="p2"')[1]).group(1)
        return set(_threads(client.get(source.replace("&amp;", "&")).content.decode()))

    everything = {str(a.uuid) for a in (mine, group, public)}
    assert shown("") == everything
    assert shown("scope=mine") == {str(mine.uuid)}
    assert shown("scope=groups") == {str(group.uuid)}
    assert shown("scope=public") == {str(public.uuid)}
    assert shown("tag=methode") == {str(mine.uuid), str(public.uuid)}
    assert shown("author=ben") == {str(group.uuid), str(public.uuid)}
    assert shown("author=ben&tag=methode") == {str(public.uuid)}
    # A bookmarked filter with a value that no longer exists still opens the text.
    assert shown("scope=nonsense") == everything


def test_filter_choices_list_only_what_the_reader_may_see(people, p2):
    _note(people["ann"], p2, "Geheim", visibility="private", tags=["Privatsache"])
    _note(people["ben"], p2, "Offen", tags=["Methode"])
    html = _client(people["cy"]).get("/test-interview/").content.decode()
    filters = html[
        html.index('class="annotation-filters"') : html.index(
            "</form>", html.index('class="annotation-filters"')
        )
    ]
    assert '<option value="methode">Methode (1)</option>' in filters
    assert "Privatsache" not in html
    assert 'value="ann"' not in filters and 'value="ben"' in filters


def test_reply_stays_with_its_thread_under_a_tag_filter(people, p2):
    root = _note(people["ann"], p2, "Frage", tags=["Begriff"])
    annotation_create(
        user=people["ben"], parent=root, motivation="replying", body="Antwort ohne Tag"
    )
    html = _client().get("/test-interview/p2/threads/?tag=begriff").content.decode()
    assert "Antwort ohne Tag" in html


def test_margin_counts_threads_per_paragraph(people, p2, edition):
    root = _note(people["ann"], p2, "Eins")
    _note(people["ben"], p2, "Zwei")
    annotation_create(user=people["ben"], parent=root, motivation="replying", body="Antwort")
    html = _client().get("/test-interview/").content.decode()
    row = html[html.index('id="p2"') : html.index('id="p3"')]
    assert 'class="para-count" href="#notes-p2" aria-label="2 annotations on paragraph 2">2<' in row
    p3_row = html[html.index('id="p3"') : html.index('id="p4"')]
    assert "para-count" not in p3_row


def test_passage_threads_carry_their_anchor_for_the_script(people, p2):
    start = p2.text.index("Ort der")
    note = _note(
        people["ann"],
        p2,
        "Hier",
        selector=TextSelector(start, start + 7, "Ort der"),
        colour="green",
    )
    html = _client().get("/test-interview/p2/threads/").content.decode()
    assert (
        f'data-annotation="{note.uuid}" data-author="ann" data-author-name="ann" '
        f'data-motivation="commenting" data-colour="green" data-start="{start}" '
        f'data-end="{start + 7}" data-anchor="exact"'
    ) in html


def test_script_config_names_the_user_and_groups_but_no_token_for_anonymous(people, edition):
    def config(client):
        html = client.get("/test-interview/").content.decode()
        raw = re.search(
            r'<script id="annotator-config" type="application/json">(.*?)</script>', html
        )
        return json.loads(raw.group(1))

    anonymous = config(_client())
    assert anonymous["user"] is None and anonymous["csrfToken"] == ""
    assert anonymous["loginUrl"] == "/accounts/login/?next=/test-interview/"
    ann = config(_client(people["ann"]))
    assert ann["user"] == {"username": "ann", "name": "ann"}
    assert ann["groups"] == [{"slug": "seminar-a", "name": "Seminar A"}]
    assert ann["csrfToken"] and ann["api"]["thread"] == "/annotations/{id}/thread/"
    assert config(_client(people["cy"]))["groups"] == []


def test_editor_is_offered_to_readers_with_an_account_only(people, edition):
    assert "data-editor" not in _client().get("/test-interview/").content.decode()
    html = _client(people["ann"]).get("/test-interview/").content.decode()
    assert '<option value="group:seminar-a">Group: Seminar A</option>' in html


def test_thread_fragment_renders_the_whole_thread_for_any_of_its_annotations(people, p2):
    root = _note(people["ann"], p2, "Wurzel", visibility="group", group=people["group"])
    reply = annotation_create(user=people["ben"], parent=root, motivation="replying", body="Ast")
    for target in (root, reply):
        html = _client(people["ben"]).get(f"/annotations/{target.uuid}/thread/").content.decode()
        assert html.startswith(
            f'<li class="annotation thread annotation--yellow" id="annotation-{root.uuid}"'
        )
        assert "Wurzel" in html and "Ast" in html


def test_thread_fragment_is_404_for_who_may_not_see_it(people, p2):
    root = _note(people["ann"], p2, "Wurzel", visibility="group", group=people["group"])
    assert _client(people["cy"]).get(f"/annotations/{root.uuid}/thread/").status_code == 404
    assert _client().get(f"/annotations/{root.uuid}/thread/").status_code == 404


def test_deleted_thread_with_replies_stays_as_placeholder_fragment(people, p2):
    root = _note(people["ann"], p2, "Weg damit")
    annotation_create(user=people["ben"], parent=root, motivation="replying", body="Bleibt")
    annotation_delete(user=people["ann"], annotation=root)
    html = _client().get(f"/annotations/{root.uuid}/thread/").content.decode()
    assert "Deleted annotation" in html and "Bleibt" in html and "Weg damit" not in html
    assert "data-deleted" in html and "data-start" not in html


def test_edition_page_announces_the_annotation_service_in_a_link_header(edition):
    response = Client().get("/test-interview/")
    assert response["Link"] == (
        '<http://testserver/annotations/w3c/>; rel="http://www.w3.org/ns/oa#annotationService"'
    )


def test_edition_page_holds_counts_and_sources_not_threads(people, p2):
    _note(people["ann"], p2, "Im Rand")
    _note(people["ann"], p2, "Auch im Rand")
    html = _client().get("/test-interview/?scope=public").content.decode()
    assert "Im Rand" not in html
    row = html[html.index('id="p2"') : html.index('id="p3"')]
    assert (
        'data-threads-src="/test-interview/p2/threads/?scope=public" data-thread-count="2"'
    ) in row
    # Without a script, the count leads to the paragraph's page, which lists them.
    assert 'href="/test-interview/p2/#notes-p2">Read the 2 annotations</a>' in row
    p3_row = html[html.index('id="p3"') : html.index('id="p4"')]
    assert 'data-thread-count="0"' in p3_row and "threads-link" not in p3_row


def test_paragraph_page_lists_the_threads_the_reader_sees(people, p2):
    _note(people["ann"], p2, "Für alle")
    _note(people["ann"], p2, "Nur für mich", visibility="private")
    html = _client(people["ben"]).get("/test-interview/p2/").content.decode()
    assert "Für alle" in html and "Nur für mich" not in html
    assert 'id="notes-p2"' in html
    own = _client(people["ann"]).get("/test-interview/p2/").content.decode()
    assert "Nur für mich" in own


def test_paragraph_threads_fragment_applies_visibility_and_404s_unknown_paragraphs(people, p2):
    _note(people["ann"], p2, "Gruppe", visibility="group", group=people["group"])
    _note(people["ann"], p2, "Öffentlich")
    assert (
        len(_threads(_client(people["ben"]).get("/test-interview/p2/threads/").content.decode()))
        == 2
    )
    assert (
        len(_threads(_client(people["cy"]).get("/test-interview/p2/threads/").content.decode()))
        == 1
    )
    assert _client().get("/test-interview/p999/threads/").status_code == 404
    assert _client().get("/no-such-edition/p2/threads/").status_code == 404
    assert _client().post("/test-interview/p2/threads/").status_code == 405


def test_a_changed_note_and_a_new_name_show_at_once_in_the_threads(people, p2):
    """Notes are rendered once per state (annotations/templatetags/annotation_tags.py): any
    change to what the margin shows makes a new rendering."""
    from accounts.services import profile_update
    from annotations.services import annotation_update

    ann = people["ann"]
    note = _note(ann, p2, "Erste Fassung", tags=["Altmarke"])
    client = _client(people["ben"])
    before = client.get("/test-interview/p2/threads/").content.decode()
    assert "Erste Fassung" in before and "Altmarke" in before
    annotation_update(user=ann, annotation=note, body="Zweite Fassung", tags=["Neumarke"])
    profile_update(user=ann, display_name="Ann Neuname")
    after = client.get("/test-interview/p2/threads/").content.decode()
    assert "Zweite Fassung" in after and "Neumarke" in after and "Ann Neuname" in after
    assert "Erste Fassung" not in after and "Altmarke" not in after
    # The author gets the link to the history; others the word only, from the same cache.
    own = _client(ann).get("/test-interview/p2/threads/").content.decode()
    assert f'href="/annotations/{note.uuid}/history/">edited</a>' in own
    assert "/history/" not in client.get("/test-interview/p2/threads/").content.decode()
