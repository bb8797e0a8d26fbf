from django.urls import path, register_converter

from reading.views import live, pages


class PublicIdConverter:
    regex = "p[1-9][0-9]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

app_name = "reading"
urlpatterns = [
    path("<slug:slug>/", pages.edition_detail, name="edition-detail"),
    path("<slug:slug>/live/", live.edition_live, name="live"),
    path("<slug:slug>/<public_id:public_id>/", pages.paragraph_detail, name="paragraph-detail"),
]
