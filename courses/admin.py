"""Courses in the admin: for looking, not changing. Writes go through `courses.services`, which
keep a course's members and its annotation group in step; the instructor role itself is granted
on the user's page ("Is an instructor: can create courses") or with `manage.py grant_instructor`.
"""

from django.contrib import admin

from courses.models import Assignment, Course, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "joined_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "term", "slug", "joining_open", "created_by", "created_at"]
    list_filter = ["joining_open", "term"]
    search_fields = ["title", "term", "slug"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "course__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "start_paragraph", "end_paragraph", "opens_at", "due_at"]
    list_filter = ["course"]
    search_fields = ["title", "course__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
