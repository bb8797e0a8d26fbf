"""Annotation pages for readers."""

import re
import uuid as uuid_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from annotations import selectors, services
from annotations.forms import ParagraphAnnotationForm
from annotations.models import RESTORE_WINDOW
from annotations.services import AnnotationError, IdempotencyKeyReused
from edition.models import Paragraph

PAGE_SIZE = 20


def annotation_permalink(request: HttpRequest, uuid) -> HttpResponseRedirect:
    """An annotation's permanent address: the edition at its paragraph, with its thread open."""
    annotation = selectors.annotation_get(request.user, uuid)
    if annotation is None:
        raise Http404("No such annotation")
    paragraph = annotation.paragraph or annotation.root.paragraph
    return HttpResponseRedirect(
        f"{annotation.edition.get_absolute_url()}?annotation={annotation.uuid}#{paragraph.public_id}"
    )


SUBMISSION_TOKEN = re.compile(r"[0-9a-f]{32}")


def _submission_token(request: HttpRequest) -> str:
    """The form's one-time token: the one it was sent with, or a new one for a new form."""
    sent = request.POST.get("submission_token", "")
    return sent if SUBMISSION_TOKEN.fullmatch(sent) else uuid_module.uuid4().hex


@login_required
def annotation_new(request: HttpRequest):
    """A plain form to annotate one paragraph as a whole (works without JavaScript).

    Each form carries a one-time token, made when it is shown: sent twice (a double click, a
    reload that posts again), it saves one annotation and the second answer leads to it too.
    """
    paragraph = (
        Paragraph.objects.published()
        .select_related("edition")
        .filter(edition__slug=request.GET.get("edition"), public_id=request.GET.get("paragraph"))
        .first()
    )
    if paragraph is None:
        raise Http404("No such paragraph")
    form = ParagraphAnnotationForm(request.POST or None, user=request.user)
    token = _submission_token(request)
    if request.method == "POST" and form.is_valid():
        try:
            annotation = services.annotation_create(
                user=request.user,
                paragraph=paragraph,
                motivation=form.cleaned_data["motivation"],
                body=form.cleaned_data["body"],
                tags=form.tag_list(),
                visibility=form.cleaned_data["visibility"],
                group=form.cleaned_data["group"],
                idempotency_key=f"form:{token}",
            )
        except AnnotationError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        except IdempotencyKeyReused:
            # The form was saved before and then changed (back, edit, send): saving the change
            # takes a new form, which this answer is.
            token = uuid_module.uuid4().hex
            form.add_error(
                None,
                _(
                    "This form was already sent once and saved as an annotation. To save it "
                    "as it is now as another annotation, press “Save annotation” again."
                ),
            )
        else:
            return HttpResponseRedirect(
                f"{paragraph.edition.get_absolute_url()}#annotation-{annotation.uuid}"
            )
    context = {"form": form, "paragraph": paragraph, "submission_token": token}
    return render(request, "annotations/annotation_new.html", context)


def _paginate(request: HttpRequest, items) -> dict:
    """A page of `items` for `?page=`, as `get_page` finds it (a bad or too high number gives
    the nearest page, never an error), with the page numbers to offer, gaps elided."""
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page_range = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {"page_obj": page, "page_range": list(page_range)}


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The annotations the reader may see with a tag, newest first.

    A tag none of whose annotations the reader may see gets the same answer as a tag that does
    not exist: 200, no results, the slug as the heading (the stored name only when something
    visible carries it). A 404 or the stored spelling would tell that private or group notes
    use the tag.
    """
    tag = selectors.tag_get_visible(request.user, slug)
    context = {"slug": slug, "tag_name": tag.spelling if tag else slug}
    context |= _paginate(request, selectors.annotations_tagged(request.user, slug))
    return render(request, "annotations/tag_detail.html", context)


@login_required
def my_annotations(request: HttpRequest) -> HttpResponse:
    """The reader's own annotations and replies across editions in reading order, each linking
    to its passage; `?tag=` narrows them to one tag."""
    slug = request.GET.get("tag") or None
    tag = selectors.tag_get_visible(request.user, slug) if slug else None
    context = {"slug": slug, "tag_name": tag.spelling if tag else slug}
    context |= _paginate(request, selectors.annotations_of_reader(request.user, tag=slug))
    return render(request, "annotations/my_annotations.html", context)


@login_required
def deleted_annotations(request: HttpRequest) -> HttpResponse:
    """The reader's recently deleted annotations and replies, each with a Restore button, for as
    long as they can be restored."""
    context = {"restore_days": RESTORE_WINDOW.days}
    context |= _paginate(request, selectors.annotations_restorable_by(request.user))
    return render(request, "annotations/deleted.html", context)


@login_required
@require_POST
def annotation_restore(request: HttpRequest, uuid) -> HttpResponse:
    """The Restore button of the "Recently deleted" page; back to it with what happened."""
    annotation = selectors.annotation_of_author(request.user, uuid)
    if annotation is None:
        raise Http404("No such annotation of yours")
    try:
        services.annotation_restore(user=request.user, annotation=annotation)
    except AnnotationError as error:
        messages.error(request, _("It cannot be restored: %(reason)s.") % {"reason": error.message})
    else:
        messages.success(request, _("The annotation is back in its place in the text."))
    return redirect("annotations:deleted-annotations")
