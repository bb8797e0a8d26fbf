from django.urls import path

from courses.views import assignment, course, exports, moderation

app_name = "courses"
urlpatterns = [
    path("courses/", course.course_list, name="course-list"),
    # Before <slug>: services never give a course the slug "new" or "join".
    path("courses/new/", course.course_new, name="course-new"),
    path("courses/join/", course.join_form, name="join-form"),
    path("courses/join/<str:code>/", course.join_link, name="join-link"),
    path("courses/<slug:slug>/", course.course_detail, name="course-detail"),
    path("courses/<slug:slug>/code/", course.join_code_regenerate, name="join-code-regenerate"),
    path("courses/<slug:slug>/joining/", course.joining_set, name="joining-set"),
    path("courses/<slug:slug>/members/remove/", course.member_remove, name="member-remove"),
    path("courses/<slug:slug>/instructors/", course.co_instructor_add, name="co-instructor-add"),
    path("courses/<slug:slug>/vocabulary/", course.vocabulary_set, name="vocabulary-set"),
    path(
        "courses/<slug:slug>/students/<str:username>/",
        moderation.student_detail,
        name="student-detail",
    ),
    path(
        "courses/<slug:slug>/annotations/", moderation.course_annotations, name="course-annotations"
    ),
    path(
        "courses/<slug:slug>/annotations.jsonld",
        exports.course_annotations_jsonld,
        name="course-annotations-jsonld",
    ),
    path(
        "courses/<slug:slug>/annotations.csv",
        exports.course_annotations_csv,
        name="course-annotations-csv",
    ),
    path(
        "courses/<slug:slug>/annotations/<uuid:uuid>/hide/",
        moderation.annotation_hide,
        name="annotation-hide",
    ),
    path(
        "courses/<slug:slug>/annotations/<uuid:uuid>/show/",
        moderation.annotation_unhide,
        name="annotation-unhide",
    ),
    path("courses/<slug:slug>/assignments/new/", assignment.assignment_new, name="assignment-new"),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/",
        assignment.assignment_detail,
        name="assignment-detail",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/edit/",
        assignment.assignment_edit,
        name="assignment-edit",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/progress/",
        assignment.assignment_progress,
        name="assignment-progress",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/students.csv",
        assignment.assignment_students_csv,
        name="assignment-students-csv",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/annotations.csv",
        assignment.assignment_annotations_csv,
        name="assignment-annotations-csv",
    ),
]
