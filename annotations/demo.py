"""Demo readers and their annotations: the `users:` and `annotations:` parts of the demo file.

The demo as a whole (reading the file, the course, loading everything in one transaction) is
`courses/demo.py`: courses build on annotations, so the part that knows both lives there, and this
module never imports courses. A note shared with a course names it by its key in the file
(`course: bildarchive`); this module only needs the set of those keys to check the file and, to
write, the annotation group each key stands for.

A passage is named by paragraph ID and exact quote only; the selector is found in the paragraph's
current text, so the file needs no offsets and a quote that a correction has changed stops the
load with its place. Everything is written through the services the app uses (`user_register`,
`annotation_create`).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError

from accounts.services import user_register
from annotations.models import Annotation, Group
from annotations.selectors import annotation_get
from annotations.services import AnnotationError, TextSelector, annotation_create, selector_validate
from edition.models import Paragraph

ANNOTATION_KEYS = {
    "author",
    "paragraph",
    "quote",
    "motivation",
    "colour",
    "visibility",
    "course",
    "tags",
    "body",
    "replies",
}
TOP_LEVEL_MOTIVATIONS = [
    Annotation.Motivation.HIGHLIGHTING,
    Annotation.Motivation.COMMENTING,
    Annotation.Motivation.QUESTIONING,
]


class DemoDataError(Exception):
    """A demo file that cannot be loaded; `place` says where (file and path inside it)."""

    def __init__(self, place: str, message: str):
        self.place = place
        self.message = message
        super().__init__(f"{place}: {message}")


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    email: str


@dataclass(frozen=True)
class DemoReply:
    place: str
    author: str
    body: str


@dataclass(frozen=True)
class DemoAnnotation:
    place: str
    author: str
    paragraph: Paragraph
    selector: TextSelector | None
    motivation: str
    body: str
    tags: list[str]
    visibility: str
    course: str | None
    colour: str
    replies: list[DemoReply]


# Reading the file


def demo_users_validate(raw: Any, place: str) -> list[DemoUser]:
    expect(isinstance(raw, list) and raw, place, "missing or empty")
    users: list[DemoUser] = []
    for index, entry in enumerate(raw):
        where = f"{place}[{index}]"
        expect(isinstance(entry, dict), where, "must be a mapping")
        expect_keys(entry, {"username", "name", "email"}, where)
        user = DemoUser(
            username=text_of(entry, "username", where),
            display_name=text_of(entry, "name", where),
            email=text_of(entry, "email", where),
        )
        expect(
            user.username not in {u.username for u in users},
            f"{where}.username",
            f"duplicate username {user.username!r}",
        )
        users.append(user)
    return users


def demo_annotations_validate(
    raw: Any,
    *,
    paragraphs: dict[str, Paragraph],
    usernames: set[str],
    courses: set[str],
    place: str,
) -> list[DemoAnnotation]:
    """`paragraphs` by public ID; `courses` are the keys of the file's courses."""
    expect(isinstance(raw, list) and raw, place, "missing or empty")
    return [
        _annotation_validate(entry, paragraphs, usernames, courses, f"{place}[{index}]")
        for index, entry in enumerate(raw)
    ]


def _annotation_validate(
    raw: Any,
    paragraphs: dict[str, Paragraph],
    usernames: set[str],
    courses: set[str],
    place: str,
) -> DemoAnnotation:
    expect(isinstance(raw, dict), place, "must be a mapping")
    expect_keys(raw, ANNOTATION_KEYS, place)
    author = _author(raw, usernames, place)
    public_id = text_of(raw, "paragraph", place)
    paragraph = paragraphs.get(public_id)
    expect(paragraph is not None, f"{place}.paragraph", f"unknown paragraph {public_id!r}")
    expect(not paragraph.is_withdrawn, f"{place}.paragraph", f"{public_id} was withdrawn")
    selector = None
    if "quote" in raw:
        selector = _selector(raw["quote"], paragraph, f"{place}.quote")
    motivation = _choice(raw, "motivation", TOP_LEVEL_MOTIVATIONS, place)
    visibility = _choice(
        raw, "visibility", Annotation.Visibility.values, place, Annotation.Visibility.PRIVATE
    )
    colour = _choice(raw, "colour", Annotation.Colour.values, place, Annotation.Colour.YELLOW)
    course = None
    if "course" in raw:
        course = text_of(raw, "course", place)
        expect(course in courses, f"{place}.course", f"unknown course {course!r}")
    tags = raw.get("tags", [])
    expect(
        isinstance(tags, list) and all(isinstance(tag, str) for tag in tags),
        f"{place}.tags",
        "must be a list of strings",
    )
    replies_raw = raw.get("replies", [])
    expect(isinstance(replies_raw, list), f"{place}.replies", "must be a list")
    replies = []
    for index, reply in enumerate(replies_raw):
        where = f"{place}.replies[{index}]"
        expect(isinstance(reply, dict), where, "must be a mapping")
        expect_keys(reply, {"author", "body"}, where)
        replies.append(
            DemoReply(where, _author(reply, usernames, where), text_of(reply, "body", where))
        )
    return DemoAnnotation(
        place=place,
        author=author,
        paragraph=paragraph,
        selector=selector,
        motivation=motivation,
        body=text_of(raw, "body", place, required=False),
        tags=tags,
        visibility=visibility,
        course=course,
        colour=colour,
        replies=replies,
    )


def _selector(quote: Any, paragraph: Paragraph, place: str) -> TextSelector:
    """The quote's one place in the paragraph; prefix and suffix come from the text."""
    expect(isinstance(quote, str) and quote != "", place, "must be non-empty text")
    occurrences = paragraph.text.count(quote)
    expect(occurrences > 0, place, f"not found in {paragraph.public_id}")
    expect(
        occurrences == 1,
        place,
        f"occurs {occurrences} times in {paragraph.public_id}; quote enough words to be unique",
    )
    start = paragraph.text.index(quote)
    return selector_validate(paragraph, TextSelector(start, start + len(quote), quote))


def _author(raw: dict, usernames: set[str], place: str) -> str:
    author = text_of(raw, "author", place)
    expect(author in usernames, f"{place}.author", f"unknown user {author!r}")
    return author


def _choice(raw: dict, key: str, values: list[str], place: str, default: str = "") -> str:
    value = text_of(raw, key, place, required=not default) or default
    expect(value in values, f"{place}.{key}", f"{value!r} is not one of {', '.join(values)}")
    return value


# Writing, inside the caller's transaction


def demo_users_create(
    users: list[DemoUser], *, password: str, place: str
) -> dict[str, AbstractBaseUser]:
    created = {}
    for index, demo_user in enumerate(users):
        try:
            created[demo_user.username] = user_register(
                username=demo_user.username,
                email=demo_user.email,
                password=password,
                display_name=demo_user.display_name,
            )
        except ValidationError as error:
            raise DemoDataError(f"{place}[{index}]", messages_of(error)) from error
    return created


def demo_annotations_create(
    annotations: list[DemoAnnotation],
    *,
    users: dict[str, AbstractBaseUser],
    groups: dict[str, Group],
) -> None:
    """`groups`: the annotation group of each course key."""
    for item in annotations:
        annotation = _create(
            item.place,
            user=users[item.author],
            paragraph=item.paragraph,
            selector=item.selector,
            motivation=item.motivation,
            body=item.body,
            tags=item.tags,
            visibility=item.visibility,
            group=groups.get(item.course),
            colour=item.colour,
        )
        for reply in item.replies:
            author = users[reply.author]
            expect(
                annotation_get(author, annotation.uuid) is not None,
                f"{reply.place}.author",
                f"{reply.author} cannot see the annotation the reply answers",
            )
            _create(
                reply.place,
                user=author,
                parent=annotation,
                motivation=Annotation.Motivation.REPLYING,
                body=reply.body,
            )


def _create(place: str, **kwargs) -> Annotation:
    try:
        return annotation_create(**kwargs)
    except AnnotationError as error:
        # The services call the group "group"; the file names it by its course.
        field = "course" if error.field == "group" else error.field
        raise DemoDataError(f"{place}.{field}", error.message) from error


# Checks shared by every part of the demo file


def text_of(mapping: dict, key: str, place: str, *, required: bool = True) -> str:
    """The stripped text under `key`; "" when optional and missing."""
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        expect(not required, f"{place}.{key}", "missing")
        return ""
    expect(isinstance(value, str), f"{place}.{key}", "must be text")
    return value.strip()


def expect_keys(mapping: dict, allowed: set[str], place: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    expect(not unknown, place, f"unknown keys: {', '.join(unknown)}")


def expect(condition: Any, place: str, message: str) -> None:
    if not condition:
        raise DemoDataError(place, message)


def messages_of(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
