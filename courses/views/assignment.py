"""Assignments: create, edit, read; the instructor's progress table and its CSV exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses import exports, selectors, services
from courses.forms import AssignmentForm
from courses.views.access import (
    add_errors,
    assignment_or_404,
    course_to_change_or_404,
    form_status,
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_new(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_to_change_or_404(request, slug)
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
            add_errors(form, error)
        else:
            messages.success(request, _("The assignment has been created."))
            return redirect(assignment)
    context = {"course": course, "form": form}
    return render(request, "courses/assignment_form.html", context, status=form_status(form))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assignment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    course_to_change_or_404(request, slug)
    assignment = assignment_or_404(request, slug, pk)
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
            add_errors(form, error)
        else:
            messages.success(request, _("The assignment has been saved."))
            return redirect(assignment)
    context = {"course": assignment.course, "assignment": assignment, "form": form}
    return render(request, "courses/assignment_form.html", context, status=form_status(form))


@login_required
def assignment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    assignment = assignment_or_404(request, slug, pk)
    context = {
        "assignment": assignment,
        "course": assignment.course,
        "progress": selectors.assignment_progress_of(request.user, assignment),
    }
    return render(request, "courses/assignment_detail.html", context)


@login_required
def assignment_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Per student: the work that counts, against the expectation, and the status."""
    course_to_change_or_404(request, slug)
    assignment = assignment_or_404(request, slug, pk)
    context = {
        "assignment": assignment,
        "course": assignment.course,
        "students": selectors.assignment_progress(assignment),
    }
    return render(request, "courses/assignment_progress.html", context)


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content.encode(), content_type=exports.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def assignment_students_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The progress table as a spreadsheet: a row per student."""
    course_to_change_or_404(request, slug)
    assignment = assignment_or_404(request, slug, pk)
    content = exports.students_csv(assignment, selectors.assignment_progress(assignment))
    return _csv_response(content, exports.csv_filename(assignment, "students"))


@login_required
def assignment_annotations_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What counts for the assignment as a spreadsheet: a row per annotation or reply."""
    course_to_change_or_404(request, slug)
    assignment = assignment_or_404(request, slug, pk)
    base_url = request.build_absolute_uri("/").removesuffix("/")
    content = exports.annotations_csv(selectors.assignment_work(assignment), base_url=base_url)
    return _csv_response(content, exports.csv_filename(assignment, "annotations"))
