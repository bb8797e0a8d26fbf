from django.urls import path

from edition import views

app_name = "edition"
urlpatterns = [
    path("", views.edition_list, name="edition-list"),
    path("<slug:slug>/edition.json", views.edition_json, name="edition-json"),
    path("<slug:slug>/edition.txt", views.edition_text, name="edition-text"),
    path("<slug:slug>/edition.tei.xml", views.edition_tei, name="edition-tei"),
    path("<slug:slug>/cite.bib", views.cite_bibtex, name="cite-bibtex"),
    path("<slug:slug>/cite.ris", views.cite_ris, name="cite-ris"),
    path("<slug:slug>/cite.json", views.cite_csl, name="cite-csl"),
]
