"""What members shared with the course, for its instructors: one member's work, all of it, and
hiding a note (with a reason its author reads) or showing it again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.views import safe_next_url
from annotations.models import Annotation
from courses import selectors, services
from courses.forms import HideForm
from courses.models import Course
from courses.views.access import add_errors, course_to_change_or_404, form_status

ANNOTATIONS_PAGE_SIZE = 50


@login_required
def student_detail(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """One member's work in the course, for its instructors: everything they shared with the
    course, in reading order, and (for a student) their status with each assignment."""
    course = course_to_change_or_404(request, slug)
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


@login_required
def course_annotations(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything members shared with the course, in reading order, for its instructors to read
    and moderate; `?hidden=1` lists only what they hid."""
    course = course_to_change_or_404(request, slug)
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
    course = course_to_change_or_404(request, slug)
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
@require_http_methods(["GET", "HEAD", "POST"])
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
            add_errors(form, error)
        else:
            messages.success(request, _("The annotation is hidden; its author sees your reason."))
            return _back(request, course, annotation)
    context = {
        "course": course,
        "annotation": annotation,
        "form": form,
        "next": safe_next_url(request),
    }
    return render(request, "courses/annotation_hide.html", context, status=form_status(form))


@login_required
@require_POST
def annotation_unhide(request: HttpRequest, slug: str, uuid) -> HttpResponse:
    course, annotation = _annotation_to_moderate_or_404(request, slug, uuid)
    services.annotation_unhide(user=request.user, annotation=annotation)
    messages.success(request, _("The annotation is shown again."))
    return _back(request, course, annotation)
