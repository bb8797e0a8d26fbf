from django.urls import path

from annotations.views import api, pages

app_name = "annotations"
urlpatterns = [
    path("api/annotations/", api.annotation_collection, name="api-collection"),
    path("api/annotations/preview/", api.markdown_preview, name="api-preview"),
    path("api/annotations/<uuid:uuid>/", api.annotation_item, name="api-item"),
    path("annotations/new/", pages.annotation_new, name="annotation-new"),
    path("annotations/<uuid:uuid>/", pages.annotation_permalink, name="annotation-detail"),
]
