from django.contrib import admin

from annotations.models import Annotation, AnnotationRevision, Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    filter_horizontal = ["members"]
    prepopulated_fields = {"slug": ["name"]}


class RevisionInline(admin.TabularInline):
    model = AnnotationRevision
    extra = 0
    can_delete = False
    readonly_fields = [
        "body",
        "tags",
        "motivation",
        "colour",
        "visibility",
        "valid_from",
        "superseded_at",
    ]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    """Moderators see annotations and their history; content is changed by its author only."""

    list_display = [
        "uuid",
        "author",
        "motivation",
        "visibility",
        "paragraph",
        "created",
        "deleted_at",
    ]
    list_filter = ["motivation", "visibility", "colour"]
    search_fields = ["body", "quote_exact", "author__username"]
    inlines = [RevisionInline]

    def has_change_permission(self, request, obj=None):
        return False
