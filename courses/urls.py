from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("courses/", views.course_list, name="course-list"),
    # Before <slug>: services never give a course the slug "new" or "join".
    path("courses/new/", views.course_new, name="course-new"),
    path("courses/join/", views.join_form, name="join-form"),
    path("courses/join/<str:code>/", views.join_link, name="join-link"),
    path("courses/<slug:slug>/", views.course_detail, name="course-detail"),
    path("courses/<slug:slug>/code/", views.join_code_regenerate, name="join-code-regenerate"),
    path("courses/<slug:slug>/joining/", views.joining_set, name="joining-set"),
    path("courses/<slug:slug>/members/remove/", views.member_remove, name="member-remove"),
    path("courses/<slug:slug>/instructors/", views.co_instructor_add, name="co-instructor-add"),
    path("courses/<slug:slug>/vocabulary/", views.vocabulary_set, name="vocabulary-set"),
    path(
        "courses/<slug:slug>/students/<str:username>/",
        views.student_detail,
        name="student-detail",
    ),
    path("courses/<slug:slug>/annotations/", views.course_annotations, name="course-annotations"),
    path(
        "courses/<slug:slug>/annotations/<uuid:uuid>/hide/",
        views.annotation_hide,
        name="annotation-hide",
    ),
    path(
        "courses/<slug:slug>/annotations/<uuid:uuid>/show/",
        views.annotation_unhide,
        name="annotation-unhide",
    ),
    path("courses/<slug:slug>/assignments/new/", views.assignment_new, name="assignment-new"),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/",
        views.assignment_detail,
        name="assignment-detail",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/edit/",
        views.assignment_edit,
        name="assignment-edit",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/progress/",
        views.assignment_progress,
        name="assignment-progress",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/students.csv",
        views.assignment_students_csv,
        name="assignment-students-csv",
    ),
    path(
        "courses/<slug:slug>/assignments/<int:pk>/annotations.csv",
        views.assignment_annotations_csv,
        name="assignment-annotations-csv",
    ),
]
