"""What every course view starts with: find the course (or assignment) for the member asking,
and turn a service's complaint into form errors."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest

from courses import selectors
from courses.models import Assignment, Course


def course_or_404(request: HttpRequest, slug: str) -> Course:
    course = selectors.course_get_for_member(request.user, slug)
    if course is None:
        raise Http404("No such course")
    return course


def course_to_change_or_404(request: HttpRequest, slug: str) -> Course:
    """404 for outsiders; 403 for a student, who knows the course exists but may not change it
    (the service checks again)."""
    course = course_or_404(request, slug)
    if not course.viewer_is_instructor:
        raise PermissionDenied("Only the course's instructors can change it.")
    return course


def assignment_or_404(request: HttpRequest, slug: str, pk: int) -> Assignment:
    assignment = selectors.assignment_get_for_member(request.user, slug, pk)
    if assignment is None:
        raise Http404("No such assignment")
    return assignment


def add_errors(form: Form, error: ValidationError) -> None:
    """A service's error on the form field it names, or on the form as a whole."""
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def form_status(form: Form) -> int:
    return 400 if form.is_bound and form.errors else 200
