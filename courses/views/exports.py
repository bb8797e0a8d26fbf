"""A course's annotations as files for its instructors: everything members shared with the
course (`selectors.course_annotations`, hidden ones included) as W3C JSON-LD and as CSV."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from annotations import exporting
from annotations.views.transfer import base_url_of, download
from courses import exports, selectors
from courses.views.access import course_to_change_or_404


@login_required
def course_annotations_jsonld(request: HttpRequest, slug: str) -> HttpResponse:
    course = course_to_change_or_404(request, slug)
    base_url = base_url_of(request)
    data = exporting.annotation_collection(
        selectors.course_annotations(request.user, course),
        collection_id=base_url
        + reverse("courses:course-annotations-jsonld", kwargs={"slug": course.slug}),
        label=_("Annotations shared with %(course)s") % {"course": course.title},
        base_url=base_url,
    )
    return download(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type=exporting.JSONLD_CONTENT_TYPE,
        filename=exporting.export_filename(f"{course.slug}-annotations", "jsonld"),
    )


@login_required
def course_annotations_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """A row per annotation or reply, with its author; one an instructor hid gives the reason."""
    course = course_to_change_or_404(request, slug)
    content = exports.annotations_csv(
        selectors.course_annotations(request.user, course), base_url=base_url_of(request)
    )
    return download(
        content,
        content_type=exports.CONTENT_TYPE,
        filename=exporting.export_filename(f"{course.slug}-annotations", "csv"),
    )
