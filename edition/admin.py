from django.contrib import admin
from django.db import models

from edition.models import Creator, Edition, Emendation, Matter, Paragraph, Speaker, Turn


class CreatorInline(admin.TabularInline):
    model = Creator
    extra = 0


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "year", "doi", "imported_at"]
    # A URL typed without a scheme is taken as https (Django 6's default, without its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [CreatorInline]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["edition", "key", "label", "name", "role"]


@admin.register(Turn)
class TurnAdmin(admin.ModelAdmin):
    list_display = ["edition", "position", "printed_label", "speaker"]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    """Read-only: the text is edited in the source file and imported, so history is kept."""

    list_display = ["public_id", "edition", "position", "speaker", "status", "modified_at"]
    list_filter = ["edition", "status", "speaker"]
    search_fields = ["public_id", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["edition", "key", "placement", "heading"]


@admin.register(Emendation)
class EmendationAdmin(admin.ModelAdmin):
    list_display = ["edition", "position", "locus", "kind", "source_reading", "edition_reading"]
    list_filter = ["edition", "kind"]
