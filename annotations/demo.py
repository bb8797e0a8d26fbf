"""Demo data: readers, a seminar group and their annotations on an imported edition.

The file (fixtures/demo/erz-2023-demo.yaml) names a passage by paragraph ID and exact quote only;
the selector is found in the paragraph's current text, so the file needs no offsets and a quote
that a correction has changed stops the load with its place. The whole file is checked against the
database before anything is written.

Everything is written through the services the app uses (`user_register`, `annotation_create`) in
one transaction. The demo is loaded once, as a unit: when its users already exist it is skipped,
never updated, because readers may have edited or deleted demo annotations while trying the app
and restarting it must not undo that (nor is there a natural key to match an annotation against
the file). When only some demo usernames exist, they belong to someone else and the load stops.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.services import user_register
from annotations.models import Annotation, Group
from annotations.selectors import annotation_get
from annotations.services import AnnotationError, TextSelector, annotation_create, selector_validate
from edition.models import Edition, Paragraph

FORMAT_VERSION = 1
DEMO_FILE = Path("fixtures") / "demo" / "erz-2023-demo.yaml"
TOP_LEVEL_KEYS = {"format", "edition", "password", "users", "groups", "annotations"}
ANNOTATION_KEYS = {
    "author",
    "paragraph",
    "quote",
    "motivation",
    "colour",
    "visibility",
    "group",
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
class DemoGroup:
    slug: str
    name: str
    members: list[str]


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
    group: str | None
    colour: str
    replies: list[DemoReply]


@dataclass
class DemoData:
    place: str
    edition: Edition
    password: str
    users: list[DemoUser]
    groups: list[DemoGroup]
    annotations: list[DemoAnnotation]


@dataclass
class DemoReport:
    edition: str
    users: int = 0
    groups: int = 0
    annotations: int = 0
    replies: int = 0
    already_loaded: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.already_loaded:
            return (
                f"{self.edition} demo: already loaded (users {', '.join(self.already_loaded)} "
                "exist); nothing changed"
            )
        counts = [
            _count(self.users, "user"),
            _count(self.groups, "group"),
            _count(self.annotations, "annotation"),
            _count(self.replies, "reply", "replies"),
        ]
        return f"{self.edition} demo: created {', '.join(counts)}"


def load_demo_file(path: Path) -> DemoData:
    """Read and check a demo file against the database; raises DemoDataError naming the place."""
    place = str(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DemoDataError(place, f"cannot read the file ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise DemoDataError(place, f"not UTF-8 (byte {error.start})") from error
    except yaml.YAMLError as error:
        raise DemoDataError(place, f"malformed YAML: {error}") from error
    return validate_demo(document, place=place)


def validate_demo(document: Any, *, place: str) -> DemoData:
    _expect(isinstance(document, dict), place, "the file must be a mapping")
    _expect_keys(document, TOP_LEVEL_KEYS, place)
    _expect(
        document.get("format") == FORMAT_VERSION,
        f"{place}: format",
        f"unsupported format {document.get('format')!r}, expected {FORMAT_VERSION}",
    )
    slug = _text(document, "edition", f"{place}: edition")
    edition = Edition.objects.filter(slug=slug).first()
    _expect(
        edition is not None,
        f"{place}: edition",
        f"{slug!r} is not imported; run `python manage.py import_edition` first",
    )
    password = _text(document, "password", f"{place}: password")
    users = _validate_users(document.get("users"), f"{place}: users")
    usernames = {user.username for user in users}
    groups = _validate_groups(document.get("groups", []), usernames, f"{place}: groups")
    paragraphs = {paragraph.public_id: paragraph for paragraph in edition.paragraphs.all()}
    annotations_raw = document.get("annotations")
    _expect(
        isinstance(annotations_raw, list) and annotations_raw,
        f"{place}: annotations",
        "missing or empty",
    )
    context = {"usernames": usernames, "groups": {g.slug for g in groups}}
    annotations = [
        _validate_annotation(raw, paragraphs, context, f"{place}: annotations[{index}]")
        for index, raw in enumerate(annotations_raw)
    ]
    return DemoData(place, edition, password, users, groups, annotations)


def demo_load(*, demo: DemoData) -> DemoReport:
    """Create the demo's users, groups, annotations and replies, or nothing if already loaded."""
    report = DemoReport(edition=demo.edition.slug)
    usernames = [user.username for user in demo.users]
    existing = sorted(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    if len(existing) == len(usernames):
        report.already_loaded = existing
        return report
    _expect(
        not existing,
        f"{demo.place}: users",
        f"usernames already taken by other accounts: {', '.join(existing)}",
    )
    taken = sorted(
        Group.objects.filter(slug__in=[g.slug for g in demo.groups]).values_list("slug", flat=True)
    )
    _expect(not taken, f"{demo.place}: groups", f"group slugs already taken: {', '.join(taken)}")
    with transaction.atomic():
        users = {}
        for index, demo_user in enumerate(demo.users):
            try:
                users[demo_user.username] = user_register(
                    username=demo_user.username,
                    email=demo_user.email,
                    password=demo.password,
                    display_name=demo_user.display_name,
                )
            except ValidationError as error:
                raise DemoDataError(f"{demo.place}: users[{index}]", _messages(error)) from error
        groups = {}
        for index, demo_group in enumerate(demo.groups):
            group = Group(name=demo_group.name, slug=demo_group.slug)
            try:
                group.full_clean()
            except ValidationError as error:
                raise DemoDataError(f"{demo.place}: groups[{index}]", _messages(error)) from error
            group.save()
            group.members.set([users[username] for username in demo_group.members])
            groups[group.slug] = group
        for item in demo.annotations:
            annotation = _create(
                item.place,
                user=users[item.author],
                paragraph=item.paragraph,
                selector=item.selector,
                motivation=item.motivation,
                body=item.body,
                tags=item.tags,
                visibility=item.visibility,
                group=groups.get(item.group),
                colour=item.colour,
            )
            for reply in item.replies:
                author = users[reply.author]
                _expect(
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
        report.users, report.groups = len(users), len(groups)
        report.annotations = len(demo.annotations)
        report.replies = sum(len(item.replies) for item in demo.annotations)
    return report


def _create(place: str, **kwargs) -> Annotation:
    try:
        return annotation_create(**kwargs)
    except AnnotationError as error:
        raise DemoDataError(f"{place}.{error.field}", error.message) from error


def _validate_users(raw: Any, place: str) -> list[DemoUser]:
    _expect(isinstance(raw, list) and raw, place, "missing or empty")
    users: list[DemoUser] = []
    for index, entry in enumerate(raw):
        where = f"{place}[{index}]"
        _expect(isinstance(entry, dict), where, "must be a mapping")
        _expect_keys(entry, {"username", "name", "email"}, where)
        user = DemoUser(
            username=_text(entry, "username", where),
            display_name=_text(entry, "name", where),
            email=_text(entry, "email", where),
        )
        _expect(
            user.username not in {u.username for u in users},
            f"{where}.username",
            f"duplicate username {user.username!r}",
        )
        users.append(user)
    return users


def _validate_groups(raw: Any, usernames: set[str], place: str) -> list[DemoGroup]:
    _expect(isinstance(raw, list), place, "must be a list")
    groups: list[DemoGroup] = []
    for index, entry in enumerate(raw):
        where = f"{place}[{index}]"
        _expect(isinstance(entry, dict), where, "must be a mapping")
        _expect_keys(entry, {"slug", "name", "members"}, where)
        members = entry.get("members")
        _expect(
            isinstance(members, list) and members and all(isinstance(m, str) for m in members),
            f"{where}.members",
            "must be a non-empty list of usernames",
        )
        unknown = sorted(set(members) - usernames)
        _expect(not unknown, f"{where}.members", f"unknown users: {', '.join(unknown)}")
        group = DemoGroup(_text(entry, "slug", where), _text(entry, "name", where), members)
        _expect(
            group.slug not in {g.slug for g in groups},
            f"{where}.slug",
            f"duplicate group {group.slug!r}",
        )
        groups.append(group)
    return groups


def _validate_annotation(
    raw: Any, paragraphs: dict[str, Paragraph], context: dict[str, set[str]], place: str
) -> DemoAnnotation:
    _expect(isinstance(raw, dict), place, "must be a mapping")
    _expect_keys(raw, ANNOTATION_KEYS, place)
    author = _author(raw, context["usernames"], place)
    public_id = _text(raw, "paragraph", place)
    paragraph = paragraphs.get(public_id)
    _expect(paragraph is not None, f"{place}.paragraph", f"unknown paragraph {public_id!r}")
    _expect(not paragraph.is_withdrawn, f"{place}.paragraph", f"{public_id} was withdrawn")
    selector = None
    if "quote" in raw:
        selector = _selector(raw["quote"], paragraph, f"{place}.quote")
    motivation = _choice(raw, "motivation", TOP_LEVEL_MOTIVATIONS, place)
    visibility = _choice(
        raw, "visibility", Annotation.Visibility.values, place, Annotation.Visibility.PRIVATE
    )
    colour = _choice(raw, "colour", Annotation.Colour.values, place, Annotation.Colour.YELLOW)
    group = None
    if "group" in raw:
        group = _text(raw, "group", place)
        _expect(group in context["groups"], f"{place}.group", f"unknown group {group!r}")
    tags = raw.get("tags", [])
    _expect(
        isinstance(tags, list) and all(isinstance(tag, str) for tag in tags),
        f"{place}.tags",
        "must be a list of strings",
    )
    replies_raw = raw.get("replies", [])
    _expect(isinstance(replies_raw, list), f"{place}.replies", "must be a list")
    replies = []
    for index, reply in enumerate(replies_raw):
        where = f"{place}.replies[{index}]"
        _expect(isinstance(reply, dict), where, "must be a mapping")
        _expect_keys(reply, {"author", "body"}, where)
        author_of_reply = _author(reply, context["usernames"], where)
        replies.append(DemoReply(where, author_of_reply, _text(reply, "body", where)))
    return DemoAnnotation(
        place=place,
        author=author,
        paragraph=paragraph,
        selector=selector,
        motivation=motivation,
        body=_text(raw, "body", place, required=False),
        tags=tags,
        visibility=visibility,
        group=group,
        colour=colour,
        replies=replies,
    )


def _selector(quote: Any, paragraph: Paragraph, place: str) -> TextSelector:
    """The quote's one place in the paragraph; prefix and suffix come from the text."""
    _expect(isinstance(quote, str) and quote != "", place, "must be non-empty text")
    occurrences = paragraph.text.count(quote)
    _expect(occurrences > 0, place, f"not found in {paragraph.public_id}")
    _expect(
        occurrences == 1,
        place,
        f"occurs {occurrences} times in {paragraph.public_id}; quote enough words to be unique",
    )
    start = paragraph.text.index(quote)
    return selector_validate(paragraph, TextSelector(start, start + len(quote), quote))


def _author(raw: dict, usernames: set[str], place: str) -> str:
    author = _text(raw, "author", place)
    _expect(author in usernames, f"{place}.author", f"unknown user {author!r}")
    return author


def _choice(raw: dict, key: str, values: list[str], place: str, default: str = "") -> str:
    value = _text(raw, key, place, required=not default) or default
    _expect(value in values, f"{place}.{key}", f"{value!r} is not one of {', '.join(values)}")
    return value


def _text(mapping: dict, key: str, place: str, *, required: bool = True) -> str:
    value = mapping.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        _expect(not required, f"{place}.{key}", "missing")
        return ""
    _expect(isinstance(value, str), f"{place}.{key}", "must be text")
    return value.strip()


def _expect_keys(mapping: dict, allowed: set[str], place: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    _expect(not unknown, place, f"unknown keys: {', '.join(unknown)}")


def _expect(condition: Any, place: str, message: str) -> None:
    if not condition:
        raise DemoDataError(place, message)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
