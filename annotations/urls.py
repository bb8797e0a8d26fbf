from django.urls import path, re_path

from annotations.views import api, citation, fragments, history, pages, protocol, tags, transfer

app_name = "annotations"
urlpatterns = [
    path("api/annotations/", api.annotation_collection, name="api-collection"),
    path("api/annotations/preview/", api.markdown_preview, name="api-preview"),
    path("api/annotations/<uuid:uuid>/", api.annotation_item, name="api-item"),
    path("api/annotations/<uuid:uuid>/restore/", api.annotation_restore, name="api-restore"),
    path("api/tags/", tags.tag_suggestions, name="api-tags"),
    path("annotations/w3c/", protocol.annotation_container, name="w3c-container"),
    path("annotations/context.jsonld", protocol.annotation_context, name="w3c-context"),
    path("annotations/w3c/<uuid:uuid>/", protocol.annotation_resource, name="w3c-annotation"),
    path("annotations/new/", pages.annotation_new, name="annotation-new"),
    path("annotations/mine/", pages.my_annotations, name="my-annotations"),
    path(
        "annotations/mine/export.jsonld",
        transfer.my_annotations_jsonld,
        name="my-annotations-jsonld",
    ),
    path("annotations/mine/export.csv", transfer.my_annotations_csv, name="my-annotations-csv"),
    path(
        "annotations/mine/export.md",
        transfer.my_annotations_markdown,
        name="my-annotations-markdown",
    ),
    path("annotations/import/", transfer.annotation_import, name="annotation-import"),
    path("annotations/deleted/", pages.deleted_annotations, name="deleted-annotations"),
    path("annotations/<uuid:uuid>/restore/", pages.annotation_restore, name="annotation-restore"),
    path("annotations/<uuid:uuid>/", pages.annotation_permalink, name="annotation-detail"),
    path("annotations/<uuid:uuid>/thread/", fragments.thread_fragment, name="thread-fragment"),
    re_path(
        r"^(?P<slug>[-a-zA-Z0-9_]+)/(?P<public_id>p[1-9][0-9]*)/threads/$",
        fragments.paragraph_threads,
        name="paragraph-threads",
    ),
    path("annotations/<uuid:uuid>/history/", history.annotation_history, name="annotation-history"),
    path("annotations/<uuid:uuid>/cite/", citation.annotation_cite, name="annotation-cite"),
    # Any stored slug, even one taggit made empty (a tag of punctuation only): every tag an
    # annotation shows must reverse, or the page showing it fails.
    re_path(r"^tags/(?P<slug>[^/]*)/$", pages.tag_detail, name="tag-detail"),
]
