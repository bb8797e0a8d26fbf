"""Course pages. Every course page answers 404 to anyone who is not a member (the same answer as
for a course that does not exist); members who may not change something get 403 from the
service. Anonymous visitors are sent to log in first, whatever the course."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import display_name_for
from accounts.views import safe_next_url
from annotations.models import Annotation
from courses import exports, selectors, services
from courses.forms import (
    AssignmentForm,
    CourseForm,
    HideForm,
    JoinCodeForm,
    MemberForm,
    VocabularyForm,
)
from courses.models import Assignment, Course

ANNOTATIONS_PAGE_SIZE = 50


def _course_or_404(request: HttpRequest, slug: str) -> Course:
    course = selectors.course_get_for_member(request.user, slug)
    if course is None:
        raise Http404("No such course")
    return course


def _course_to_change_or_404(request: HttpRequest, slug: str) -> Course:
    """404 for outsiders; 403 for a student, who knows the course exists but may not change it
    (the service checks again)."""
    course = _course_or_404(request, slug)
    if not course.viewer_is_instructor:
        raise PermissionDenied("Only the course's instructors can change it.")
    return course


def _assignment_or_404(request: HttpRequest, slug: str, pk: int) -> Assignment:
    assignment = selectors.assignment_get_for_member(request.user, slug, pk)
    if assignment is None:
        raise Http404("No such assignment")
    return assignment


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's error on the form field it names, or on the form as a whole."""
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    """My courses: each with its assignments; a student sees their status for each."""
    context = {
        "courses": selectors.dashboard_for_user(request.user),
        "can_create": services.is_instructor(request.user),
    }
    return render(request, "courses/course_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    if not services.is_instructor(request.user):
        raise PermissionDenied("Only instructors can create courses.")
    form = CourseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            course = services.course_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
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
    return _detail(request, _course_or_404(request, slug))


@login_required
@require_POST
def join_code_regenerate(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
    services.join_code_regenerate(user=request.user, course=course)
    messages.success(request, _("A new join code is in place; the old one no longer works."))
    return redirect(course)


@login_required
@require_POST
def joining_set(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_or_404(request, slug)
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
    course = _course_or_404(request, slug)
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
    course = _course_or_404(request, slug)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            membership = services.co_instructor_add(
                user=request.user, course=course, username=form.cleaned_data["username"]
            )
        except ValidationError as error:
            _add_errors(form, error)
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
    course = _course_or_404(request, slug)
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
            _add_errors(form, error)
        else:
            messages.success(request, _("The course's tags have been saved."))
            return redirect(course)
    return _detail(request, course, vocabulary_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def join_form(request: HttpRequest) -> HttpResponse:
    """Type the code instead of following the link."""
    form = JoinCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            membership = services.course_join(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _joined(request, membership.course)
    return render(request, "courses/join_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
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
    _add_errors(form, error)
    return render(request, "courses/join_form.html", {"form": form}, status=400)


def _joined(request: HttpRequest, course: Course) -> HttpResponse:
    messages.success(request, _("You are a member of this course."))
    return redirect(course)


# Assignments


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, slug: str) -> HttpResponse:
    course = _course_to_change_or_404(request, slug)
    if request.method == "POST":
        form = AssignmentForm(request.POST)
    else:
        opens = timezone.localtime().replace(second=0, microsecond=0)
        form = AssignmentForm(initial={"opens_at": opens})
    if form.is_valid():
        try:
            assignment = services.assignment_create(
                user=request.user, course=course, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The assignment has been created."))
            return redirect(assignment)
    context = {"course": course, "form": form}
    return render(request, "courses/assignment_form.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _course_to_change_or_404(request, slug)
    assignment = _assignment_or_404(request, slug, pk)
    if request.method == "POST":
        form = AssignmentForm(request.POST)
    else:
        form = AssignmentForm(initial=AssignmentForm.initial_for(assignment))
    if form.is_valid():
        try:
            assignment = services.assignment_update(
                user=request.user, assignment=assignment, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The assignment has been saved."))
            return redirect(assignment)
    context = {"course": assignment.course, "assignment": assignment, "form": form}
    return render(request, "courses/assignment_form.html", context, status=_status(form))


@login_required
def assignment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, slug, pk)
    context = {
        "assignment": assignment,
        "course": assignment.course,
        "progress": selectors.assignment_progress_of(request.user, assignment),
    }
    return render(request, "courses/assignment_detail.html", context)


@login_required
def assignment_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Per student: the work that counts, against the expectation, and the status."""
    _course_to_change_or_404(request, slug)
    assignment = _assignment_or_404(request, slug, pk)
    context = {
        "assignment": assignment,
        "course": assignment.course,
        "students": selectors.assignment_progress(assignment),
    }
    return render(request, "courses/assignment_progress.html", context)


@login_required
def student_detail(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """One member's work in the course, for its instructors: everything they shared with the
    course, in reading order, and (for a student) their status with each assignment."""
    course = _course_to_change_or_404(request, slug)
    membership = selectors.course_member_get(course, username)
    if membership is None:
        raise Http404("No such member")
    context = {
        "course": course,
        "membership": membership,
        "annotations": selectors.course_annotations(request.user, course, author=membership.user),
        "assignments": selectors.student_assignments(membership.user, course)
        if not membership.is_instructor
        else [],
    }
    return render(request, "courses/student_detail.html", context)


# Moderation


@login_required
def course_annotations(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything members shared with the course, in reading order, for its instructors to read
    and moderate; `?hidden=1` lists only what they hid."""
    course = _course_to_change_or_404(request, slug)
    annotations = selectors.course_annotations(request.user, course)
    only_hidden = request.GET.get("hidden") == "1"
    if only_hidden:
        annotations = annotations.filter(hidden_at__isnull=False)
    paginator = Paginator(annotations, ANNOTATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "course": course,
        "only_hidden": only_hidden,
        "page_obj": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
    }
    return render(request, "courses/course_annotations.html", context)


def _annotation_to_moderate_or_404(request: HttpRequest, slug: str, uuid) -> tuple:
    course = _course_to_change_or_404(request, slug)
    annotation = selectors.course_annotation_get(request.user, course, uuid)
    if annotation is None:
        raise Http404("No such annotation in this course")
    return course, annotation


def _back(request: HttpRequest, course: Course, annotation: Annotation) -> HttpResponse:
    """To the page the form was on, or the author's page in the course."""
    if next_url := safe_next_url(request):
        return redirect(f"{next_url}#annotation-{annotation.uuid}")
    if annotation.author is None:
        return redirect("courses:course-annotations", slug=course.slug)
    return redirect(
        "courses:student-detail", slug=course.slug, username=annotation.author.get_username()
    )


@login_required
@require_http_methods(["GET", "POST"])
def annotation_hide(request: HttpRequest, slug: str, uuid) -> HttpResponse:
    """Hide an annotation shared with the course, saying why. The lists post here directly;
    GET (and a POST with a problem) shows the note with the form."""
    course, annotation = _annotation_to_moderate_or_404(request, slug, uuid)
    form = HideForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.annotation_hide(
                user=request.user, annotation=annotation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The annotation is hidden; its author sees your reason."))
            return _back(request, course, annotation)
    context = {
        "course": course,
        "annotation": annotation,
        "form": form,
        "next": safe_next_url(request),
    }
    return render(request, "courses/annotation_hide.html", context, status=_status(form))


@login_required
@require_POST
def annotation_unhide(request: HttpRequest, slug: str, uuid) -> HttpResponse:
    course, annotation = _annotation_to_moderate_or_404(request, slug, uuid)
    services.annotation_unhide(user=request.user, annotation=annotation)
    messages.success(request, _("The annotation is shown again."))
    return _back(request, course, annotation)


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode(), content_type=exports.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def assignment_students_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The progress table as a spreadsheet: a row per student."""
    _course_to_change_or_404(request, slug)
    assignment = _assignment_or_404(request, slug, pk)
    content = exports.students_csv(assignment, selectors.assignment_progress(assignment))
    return _csv_response(content, exports.csv_filename(assignment, "students"))


@login_required
def assignment_annotations_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What counts for the assignment as a spreadsheet: a row per annotation or reply."""
    _course_to_change_or_404(request, slug)
    assignment = _assignment_or_404(request, slug, pk)
    base_url = request.build_absolute_uri("/").removesuffix("/")
    content = exports.annotations_csv(selectors.assignment_work(assignment), base_url=base_url)
    return _csv_response(content, exports.csv_filename(assignment, "annotations"))


def _status(form: Form) -> int:
    return 400 if form.is_bound and form.errors else 200
