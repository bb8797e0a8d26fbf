from django.urls import path, register_converter

from edition import views


class PublicIdConverter:
    regex = "p[1-9][0-9]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

app_name = "edition"
urlpatterns = [
    path("", views.edition_list, name="edition-list"),
    path("<slug:slug>/", views.edition_detail, name="edition-detail"),
    path("<slug:slug>/edition.json", views.edition_json, name="edition-json"),
    path("<slug:slug>/edition.txt", views.edition_text, name="edition-text"),
    path("<slug:slug>/edition.tei.xml", views.edition_tei, name="edition-tei"),
    # Before the paragraph path; "cite.*" can never be a paragraph ID (p1, p2, …) anyway.
    path("<slug:slug>/cite.bib", views.cite_bibtex, name="cite-bibtex"),
    path("<slug:slug>/cite.ris", views.cite_ris, name="cite-ris"),
    path("<slug:slug>/cite.json", views.cite_csl, name="cite-csl"),
    path("<slug:slug>/<public_id:public_id>/", views.paragraph_detail, name="paragraph-detail"),
]
