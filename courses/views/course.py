"""A course's own pages: my courses, a new course, the course page, joining, members, co-instructors
and the tag vocabulary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import display_name_for
from courses import selectors, services
from courses.forms import CourseForm, JoinCodeForm, MemberForm, VocabularyForm
from courses.models import Course
from courses.views.access import add_errors, course_or_404


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    """My courses: each with its assignments; a student sees their status for each."""
    context = {
        "courses": selectors.dashboard_for_user(request.user),
        "can_create": services.is_instructor(request.user),
    }
    return render(request, "courses/course_list.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    if not services.is_instructor(request.user):
        raise PermissionDenied("Only instructors can create courses.")
    form = CourseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            course = services.course_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The course has been created. Share its join link."))
            return redirect(course)
    return render(request, "courses/course_new.html", {"form": form})


def _detail(request: HttpRequest, course: Course, **forms) -> HttpResponse:
    context = {
        "course": course,
        "assignments": selectors.course_assignments(course),
        "co_instructor_form": MemberForm(),
        "vocabulary_form": VocabularyForm(initial=VocabularyForm.initial_for(course)),
    } | forms
    if course.viewer_is_instructor:
        context["members"] = selectors.course_members(course)
        context["join_url"] = request.build_absolute_uri(
            reverse("courses:join-link", kwargs={"code": course.join_code})
        )
    else:
        context["instructors"] = selectors.course_instructors(course)
    status = 400 if any(form.errors for form in forms.values()) else 200
    return render(request, "courses/course_detail.html", context, status=status)


@login_required
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, course_or_404(request, slug))


@login_required
@require_POST
def join_code_regenerate(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_or_404(request, slug)
    services.join_code_regenerate(user=request.user, course=course)
    messages.success(request, _("A new join code is in place; the old one no longer works."))
    return redirect(course)


@login_required
@require_POST
def joining_set(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_or_404(request, slug)
    is_open = request.POST.get("open") == "1"
    services.joining_set(user=request.user, course=course, is_open=is_open)
    messages.success(
        request,
        _("Joining is open.") if is_open else _("Joining is closed; the code no longer works."),
    )
    return redirect(course)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_or_404(request, slug)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_remove(
                user=request.user, course=course, username=form.cleaned_data["username"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = display_name_for(membership.user)
            messages.success(request, _("%(name)s was removed from the course.") % {"name": name})
    else:
        messages.error(request, _("Say whom to remove."))
    return redirect(course)


@login_required
@require_POST
def co_instructor_add(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_or_404(request, slug)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.co_instructor_add(
                user=request.user, course=course, username=form.cleaned_data["username"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now an instructor of this course.")
                % {"name": display_name_for(membership.user)},
            )
            return redirect(course)
    return _detail(request, course, co_instructor_form=form)


@login_required
@require_POST
def vocabulary_set(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_or_404(request, slug)
    form = VocabularyForm(request.POST)
    if form.is_valid():
        try:
            services.vocabulary_set(
                user=request.user,
                course=course,
                tags=form.cleaned_data["tags"],
                binding=form.cleaned_data["tags_binding"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The course's tags have been saved."))
            return redirect(course)
    return _detail(request, course, vocabulary_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join_form(request: HttpRequest) -> HttpResponse:
    """Type the code instead of following the link."""
    form = JoinCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            membership = services.course_join(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _joined(request, membership.course)
    return render(request, "courses/join_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def join_link(request: HttpRequest, code: str) -> HttpResponse:
    """The join link: GET asks for confirmation (a link alone never changes anything), POST
    joins."""
    if request.method == "POST":
        try:
            membership = services.course_join(user=request.user, code=code)
        except ValidationError as error:
            return _join_failed(request, code, error)
        return _joined(request, membership.course)
    course = selectors.course_for_join_code(request.user, code)
    if course is None:
        return _join_failed(request, code, ValidationError({"code": services.UNKNOWN_CODE}))
    return render(request, "courses/join_confirm.html", {"course": course, "code": code})


def _join_failed(request: HttpRequest, code: str, error: ValidationError) -> HttpResponse:
    """The code form, filled in with the code from the link and saying what is wrong with it."""
    form = JoinCodeForm({"code": code})
    form.is_valid()
    add_errors(form, error)
    return render(request, "courses/join_form.html", {"form": form}, status=400)


def _joined(request: HttpRequest, course: Course) -> HttpResponse:
    messages.success(request, _("You are a member of this course."))
    return redirect(course)
