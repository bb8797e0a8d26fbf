"""Writes of courses and memberships.

Every membership change goes through here, because a course member must also be a member of the
course's annotation group (that is what lets them see the course's notes) and nobody else may
be. Bad input raises `ValidationError` naming the field; a user who may not do something gets
`PermissionDenied` (the views answer 403 to members; outsiders never get that far, they get 404).
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import slugify

from annotations.models import Annotation, Group
from annotations.rendering import render_markdown
from annotations.services import AnnotationError, tags_normalise
from courses.join_codes import join_code_normalise, join_code_random
from courses.models import (
    INSTRUCTIONS_MAX_LENGTH,
    INSTRUCTOR_PERMISSION,
    VOCABULARY_MAX,
    Assignment,
    Course,
    Membership,
)
from edition.models import Edition, Paragraph

# Paths under /courses/ that a course slug must not shadow.
RESERVED_SLUGS = {"new", "join"}
SLUG_MAX_LENGTH = 60
UNKNOWN_CODE = (
    "No course has this join code. Check it for typos, or ask your instructor for the current "
    "one (a code that was replaced stops working)."
)


def _join_code_new() -> str:
    while True:
        code = join_code_random()
        if not Course.objects.filter(join_code=code).exists():
            return code


def _slug_new(title: str, term: str) -> str:
    """Unique among courses and annotation groups, since the group takes the same slug."""
    base = slugify(f"{title} {term}")[:SLUG_MAX_LENGTH].strip("-") or "course"
    candidate, number = base, 1
    while (
        candidate in RESERVED_SLUGS
        or Course.objects.filter(slug=candidate).exists()
        or Group.objects.filter(slug=candidate).exists()
    ):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def is_instructor(user: AbstractBaseUser) -> bool:
    """The role staff grant: may create courses."""
    return user.is_authenticated and user.is_active and user.has_perm(INSTRUCTOR_PERMISSION)


def _membership_of(course: Course, user: AbstractBaseUser) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(course=course, user=user).first()


def _check_course_instructor(course: Course, user: AbstractBaseUser) -> None:
    membership = _membership_of(course, user)
    if membership is None or not membership.is_instructor:
        raise PermissionDenied("Only the course's instructors can change it.")


def _membership_add(course: Course, user: AbstractBaseUser, role: str) -> Membership:
    membership = Membership(course=course, user=user, role=role)
    membership.full_clean()
    membership.save()
    course.group.members.add(user)
    return membership


@transaction.atomic
def course_create(
    *, user: AbstractBaseUser, title: str, term: str = "", description: str = ""
) -> Course:
    """A course, its annotation group, and its creator as its first instructor."""
    if not is_instructor(user):
        raise PermissionDenied("Only instructors can create courses.")
    title, term = " ".join(title.split()), " ".join(term.split())
    slug = _slug_new(title, term)
    group = Group(name=str(Course(title=title, term=term))[:200], slug=slug)
    course = Course(
        title=title,
        term=term,
        description=description.strip(),
        slug=slug,
        join_code=_join_code_new(),
        created_by=user,
    )
    course.full_clean(exclude=["group"])
    group.full_clean()
    group.save()
    course.group = group
    course.save()
    _membership_add(course, user, Membership.Role.INSTRUCTOR)
    return course


@transaction.atomic
def course_join(*, user: AbstractBaseUser, code: str) -> Membership:
    """Join with a code. Joining again is harmless and returns the existing membership, even
    once the course is closed."""
    if not user.is_authenticated:
        raise PermissionDenied("Joining a course needs an account.")
    normalised = join_code_normalise(code)
    course = (
        Course.objects.select_for_update().filter(join_code=normalised).first()
        if normalised
        else None
    )
    if course is None:
        raise ValidationError({"code": UNKNOWN_CODE})
    existing = _membership_of(course, user)
    if existing is not None:
        return existing
    if not course.joining_open:
        raise ValidationError(
            {"code": "Joining this course is closed. Ask your instructor to open it."}
        )
    return _membership_add(course, user, Membership.Role.STUDENT)


@transaction.atomic
def join_code_regenerate(*, user: AbstractBaseUser, course: Course) -> Course:
    """A new code; the old one stops working at once (e.g. after it was posted publicly)."""
    _check_course_instructor(course, user)
    course.join_code = _join_code_new()
    course.full_clean(exclude=["group"])
    course.save(update_fields=["join_code"])
    return course


@transaction.atomic
def joining_set(*, user: AbstractBaseUser, course: Course, is_open: bool) -> Course:
    _check_course_instructor(course, user)
    course.joining_open = is_open
    course.save(update_fields=["joining_open"])
    return course


@transaction.atomic
def member_remove(*, user: AbstractBaseUser, course: Course, username: str) -> Membership:
    """Take a member out of the course and its group. Their notes stay (with the course's
    visibility); they no longer see the course's. A course always keeps one instructor."""
    _check_course_instructor(course, user)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(course=course, user__username=username)
        .first()
    )
    if membership is None:
        raise ValidationError({"username": f"{username} is not in this course."})
    if membership.is_instructor:
        instructors = Membership.objects.select_for_update().filter(
            course=course, role=Membership.Role.INSTRUCTOR
        )
        if instructors.count() <= 1:
            raise ValidationError(
                {"username": "A course needs an instructor; add another one first."}
            )
    membership.delete()
    course.group.members.remove(membership.user)
    return membership


@transaction.atomic
def co_instructor_add(*, user: AbstractBaseUser, course: Course, username: str) -> Membership:
    """Make a user an instructor of this course (a student of it is promoted). The user needs no
    instructor role of their own: a tutor can co-teach without creating courses."""
    _check_course_instructor(course, user)
    new = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
    if new is None:
        raise ValidationError({"username": f"There is no user named “{username.strip()}”."})
    membership = Membership.objects.select_for_update().filter(course=course, user=new).first()
    if membership is None:
        return _membership_add(course, new, Membership.Role.INSTRUCTOR)
    if not membership.is_instructor:
        membership.role = Membership.Role.INSTRUCTOR
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def instructor_role_set(*, user: AbstractBaseUser, granted: bool) -> bool:
    """Grant or revoke the instructor role; returns whether anything changed. Only the direct
    grant is changed: a superuser, or a user in a group holding the permission, stays one."""
    app_label, codename = INSTRUCTOR_PERMISSION.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    has_direct = user.user_permissions.filter(pk=permission.pk).exists()
    if granted and not has_direct:
        user.user_permissions.add(permission)
    elif not granted and has_direct:
        user.user_permissions.remove(permission)
    else:
        return False
    return True


@transaction.atomic
def vocabulary_set(
    *, user: AbstractBaseUser, course: Course, tags: list[str], binding: bool
) -> Course:
    """The course's own tags, in the instructor's order: members are offered them first, and
    when binding, notes shared with the course may carry no others. Each tag follows the rules
    of a note's tags, so every one of them can be used; a tag given twice is kept once (first
    spelling). Notes tagged before keep their tags until they are edited."""
    _check_course_instructor(course, user)
    names: list[str] = []
    for number, line in enumerate(tags, start=1):
        try:
            names += tags_normalise([line])
        except AnnotationError as error:
            raise ValidationError({"tags": f"Line {number}: {error.message}."}) from error
    try:
        names = tags_normalise(names, limit=VOCABULARY_MAX)
    except AnnotationError as error:
        distinct = len({name.casefold() for name in names})
        raise ValidationError(
            {"tags": f"At most {VOCABULARY_MAX} tags; these are {distinct} different ones."}
        ) from error
    if binding and not names:
        raise ValidationError(
            {"tags_binding": "A binding vocabulary needs at least one tag: list the tags first."}
        )
    course.tag_vocabulary, course.tags_binding = names, binding
    course.full_clean(exclude=["group"])
    course.save(update_fields=["tag_vocabulary", "tags_binding"])
    return course


# Assignments


def _public_id_normalise(value: str) -> str:
    """ "P12 ", "12" and "p12" all name p12."""
    value = value.strip().lower()
    return f"p{value}" if value.isdigit() else value


def _paragraph_range(
    edition: Edition, start: str, end: str, errors: dict[str, str]
) -> tuple[Paragraph | None, Paragraph | None]:
    """The published paragraphs a range names in this edition; both empty is the whole
    edition. Problems go into `errors` under "start" / "end"."""
    start, end = _public_id_normalise(start), _public_id_normalise(end)
    if not start and not end:
        return None, None
    if not start or not end:
        missing = "end" if start else "start"
        errors[missing] = (
            "Give both the first and the last paragraph, or neither for the whole edition."
        )
        return None, None
    found = {
        paragraph.public_id: paragraph
        for paragraph in Paragraph.objects.filter(edition=edition, public_id__in={start, end})
    }
    for field, public_id in (("start", start), ("end", end)):
        paragraph = found.get(public_id)
        if paragraph is None:
            errors[field] = f"{edition.slug} has no paragraph “{public_id}”."
        elif paragraph.is_withdrawn:
            errors[field] = f"{public_id} was withdrawn from the edition."
    if errors.keys() & {"start", "end"}:
        return None, None
    first, last = found[start], found[end]
    if last.position < first.position:
        errors["end"] = (
            f"The range runs backwards: {last.public_id} comes before {first.public_id}."
        )
    return first, last


def _assignment_fill(
    assignment: Assignment,
    *,
    title: str,
    instructions: str,
    edition: Edition,
    start: str,
    end: str,
    opens_at: datetime,
    due_at: datetime,
    min_annotations: int,
    min_replies: int,
) -> Assignment:
    """Validate everything at once, so a form shows every problem in one round."""
    errors: dict[str, str] = {}
    first, last = _paragraph_range(edition, start, end, errors)
    if due_at <= opens_at:
        opening = formats.date_format(timezone.localtime(opens_at), "DATETIME_FORMAT")
        errors["due_at"] = f"The due date must be after the opening ({opening})."
    if len(instructions) > INSTRUCTIONS_MAX_LENGTH:
        errors["instructions"] = f"At most {INSTRUCTIONS_MAX_LENGTH} characters."
    if min_annotations < 0 or min_replies < 0:
        errors["min_annotations"] = "Expectations cannot be negative."
    elif min_annotations + min_replies == 0:
        errors["min_annotations"] = "Expect at least one annotation or one reply."
    if errors:
        raise ValidationError(errors)
    assignment.title = " ".join(title.split())
    assignment.instructions = instructions
    assignment.instructions_html = render_markdown(instructions)
    assignment.edition = edition
    assignment.start_paragraph, assignment.end_paragraph = first, last
    assignment.opens_at, assignment.due_at = opens_at, due_at
    assignment.min_annotations, assignment.min_replies = min_annotations, min_replies
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_create(
    *,
    user: AbstractBaseUser,
    course: Course,
    title: str,
    instructions: str = "",
    edition: Edition,
    start: str = "",
    end: str = "",
    opens_at: datetime | None = None,
    due_at: datetime,
    min_annotations: int = 3,
    min_replies: int = 1,
) -> Assignment:
    """An assignment of a course. The range is given by paragraph IDs ("p12", "p19"), as
    readers cite them; it opens now unless `opens_at` says otherwise."""
    _check_course_instructor(course, user)
    return _assignment_fill(
        Assignment(course=course, created_by=user),
        title=title,
        instructions=instructions,
        edition=edition,
        start=start,
        end=end,
        opens_at=opens_at or timezone.now(),
        due_at=due_at,
        min_annotations=min_annotations,
        min_replies=min_replies,
    )


@transaction.atomic
def assignment_update(
    *,
    user: AbstractBaseUser,
    assignment: Assignment,
    title: str,
    instructions: str,
    edition: Edition,
    start: str,
    end: str,
    opens_at: datetime,
    due_at: datetime,
    min_annotations: int,
    min_replies: int,
) -> Assignment:
    """Change everything at once, as the form sends it. Work already done keeps counting
    against the new range and dates."""
    _check_course_instructor(assignment.course, user)
    locked = Assignment.objects.select_for_update().select_related("course").get(pk=assignment.pk)
    return _assignment_fill(
        locked,
        title=title,
        instructions=instructions,
        edition=edition,
        start=start,
        end=end,
        opens_at=opens_at,
        due_at=due_at,
        min_annotations=min_annotations,
        min_replies=min_replies,
    )


# Moderation

HIDDEN_REASON_MAX_LENGTH = Annotation._meta.get_field("hidden_reason").max_length


def _check_moderator(user: AbstractBaseUser, annotation: Annotation) -> None:
    """Instructors moderate what is shared with their course (its group), nothing else: not a
    public note, whose audience is not the course's to decide, and not a private one."""
    course = (
        Course.objects.filter(group_id=annotation.group_id).first()
        if annotation.visibility == Annotation.Visibility.GROUP
        else None
    )
    if course is None:
        raise PermissionDenied(
            "Only what is shared with a course can be hidden by its instructors."
        )
    _check_course_instructor(course, user)


@transaction.atomic
def annotation_hide(*, user: AbstractBaseUser, annotation: Annotation, reason: str) -> Annotation:
    """Hide an annotation or reply from everyone but its author and the course's instructors
    (`annotations_visible_to` applies it); its author sees the reason. Hiding a hidden one again
    gives it the new reason."""
    _check_moderator(user, annotation)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say why you hide it: its author will read this."})
    if len(reason) > HIDDEN_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"At most {HIDDEN_REASON_MAX_LENGTH} characters ({len(reason)} given)."}
        )
    locked = Annotation.objects.select_for_update().get(pk=annotation.pk)
    if locked.deleted_at is not None:
        raise ValidationError({"reason": "Its author deleted it already."})
    locked.hidden_at, locked.hidden_by, locked.hidden_reason = timezone.now(), user, reason
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return locked


@transaction.atomic
def annotation_unhide(*, user: AbstractBaseUser, annotation: Annotation) -> Annotation:
    """Show a hidden annotation again to everyone who may see it."""
    _check_moderator(user, annotation)
    locked = Annotation.objects.select_for_update().get(pk=annotation.pk)
    locked.hidden_at, locked.hidden_by, locked.hidden_reason = None, None, ""
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return locked
