"""The import itself: every readable item placed and created through
`services.annotation_create`, parents before their replies, in one transaction that is kept
only when the import is partial or nothing went wrong (and it is not a dry run)."""

from dataclasses import dataclass, field, replace

from django.db import transaction

from annotations import w3c
from annotations.importing.files import Item, ItemProblem, file_read
from annotations.importing.placing import Placed, Placer
from annotations.models import Annotation, Group
from annotations.services import AnnotationError, AnnotationPermissionError, annotation_create

PRIVATE, PUBLIC, AS_IN_FILE = "private", "public", "file"
VISIBILITY_CHOICES = (PRIVATE, PUBLIC, AS_IN_FILE)
# Where in a Hypothesis row the services' fields come from.
HYPOTHESIS_FIELDS = {
    "body": "text",
    "tags": "tags",
    "reply_to": "references",
    "selector": "target[0].selector",
    "paragraph": "target[0]",
}


@dataclass(frozen=True)
class ImportProblem:
    number: int  # the item's place in the file, from 1
    line: int | None  # where its `id` is
    reference: str  # its `id`
    field: str  # a JSON path into the file
    reason: str


@dataclass(frozen=True)
class ImportedItem:
    number: int
    line: int | None
    reference: str
    motivation: str
    paragraph: str  # public ID (for a reply, its thread's)
    remark: str = ""
    annotation: Annotation | None = None  # None when nothing was saved


@dataclass
class ImportReport:
    format: str
    total: int
    partial: bool
    dry_run: bool
    imported: list[ImportedItem] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    saved: bool = False


def annotations_import(
    *,
    user,
    content: bytes,
    partial: bool = False,
    dry_run: bool = False,
    visibility: str = PRIVATE,
) -> ImportReport:
    """Import the file's annotations as `user`'s (see `annotations.importing`). Raises
    ImportFileError when the file cannot be read at all; everything else is in the report."""
    if not user.is_authenticated:
        raise AnnotationPermissionError("importing needs an account")
    if visibility not in VISIBILITY_CHOICES:
        raise ValueError(f"visibility must be one of {VISIBILITY_CHOICES}")
    contents = file_read(content)
    report = ImportReport(
        format=contents.format, total=contents.total, partial=partial, dry_run=dry_run
    )
    writer = _Writer(user, visibility, report)
    for item, path, reason in contents.unreadable:
        writer.fail(item, path, reason)
    with transaction.atomic():
        writer.write(contents.items)
        report.saved = not dry_run and (partial or not report.problems)
        if not report.saved:
            transaction.set_rollback(True)
    report.problems.sort(key=lambda problem: problem.number)
    report.imported.sort(key=lambda taken: taken.number)
    if not report.saved:
        report.imported = [replace(taken, annotation=None) for taken in report.imported]
    return report


class _Writer:
    """Creates the items, each in a savepoint so that one refusal does not undo the others
    (`annotations_import` decides whether any of it stays)."""

    def __init__(self, user, visibility: str, report: ImportReport):
        self.user, self.visibility, self.report = user, visibility, report
        self.placer = Placer()
        self.created: dict[str, Annotation] = {}
        self.failed: set[str] = set()  # keys of items not imported, which replies may name

    def write(self, items: list[Item]) -> None:
        keys = {item.key for item in items if item.key} | self.failed
        waiting = []
        for item in items:
            if item.parent_key:
                waiting.append(item)
                continue
            try:
                placed = self.placer.place(item)
            except ItemProblem as problem:
                self.fail(item, problem.field, problem.reason)
            except AnnotationError as error:
                self.fail(item, item.at(error.field), error.message)
            else:
                self._create(item, placed=placed)
        while waiting:
            ready = [
                item
                for item in waiting
                if item.parent_key in self.created
                or item.parent_key in self.failed
                or item.parent_key not in keys
            ]
            if not ready:
                for item in waiting:
                    self.fail(item, self._target(item), "the replies answer each other")
                return
            for item in ready:
                waiting.remove(item)
                self._reply(item)

    def _target(self, item: Item) -> str:
        return item.at(item.parsed.target.path) if item.parsed else item.at("references")

    def _reply(self, item: Item) -> None:
        if item.parent_key in self.created:
            self._create(item, parent=self.created[item.parent_key])
            return
        if item.parent_key in self.failed:
            reason = "answers an annotation of this file that was not imported"
        elif (parent := self._parent_on_site(item)) is None:
            reason = "answers an annotation that is neither in this file nor on this site"
        elif self.visibility == PRIVATE and parent.visibility != Annotation.Visibility.PRIVATE:
            reason = (
                "answers an annotation others can see, and they would see the reply too; "
                "choose public notes (or as in the file) to import it"
            )
        else:
            self._create(item, parent=parent)
            return
        self.fail(item, self._target(item), reason)

    def _parent_on_site(self, item: Item) -> Annotation | None:
        """The annotation a W3C reply answers, when the reader can see it here (its IRI on
        any host)."""
        parts = w3c.url_parts(item.parent_iri)
        if parts is None:
            return None
        base_url = f"{parts.scheme}://{parts.netloc}"
        return w3c.annotation_for_iri(item.parent_iri, user=self.user, base_url=base_url)

    def _audience(self, item: Item) -> tuple[str, Group | None]:
        if self.visibility != AS_IN_FILE:
            return self.visibility, None
        visibility = item.visibility or PRIVATE
        if visibility != Annotation.Visibility.GROUP:
            return visibility, None
        group = Group.objects.filter(slug=item.group, members=self.user).first()
        if group is None:
            raise AnnotationError("group", f"you are not a member of a group {item.group!r}")
        return visibility, group

    def _create(
        self, item: Item, *, placed: Placed | None = None, parent: Annotation | None = None
    ) -> None:
        motivation = item.motivation or (
            Annotation.Motivation.COMMENTING
            if item.body.strip()
            else Annotation.Motivation.HIGHLIGHTING
        )
        try:
            with transaction.atomic():
                # A reply joins its thread's audience (the service sees to it).
                visibility, group = (PRIVATE, None) if parent else self._audience(item)
                annotation = annotation_create(
                    user=self.user,
                    paragraph=placed.paragraph if placed else None,
                    parent=parent,
                    selector=placed.selector if placed else None,
                    motivation=motivation,
                    body=item.body,
                    tags=item.tags,
                    visibility=visibility,
                    group=group,
                    colour=item.colour or Annotation.Colour.YELLOW,
                    kept_from_client=w3c.kept_of(item.parsed, base_url="") if item.parsed else {},
                )
        except AnnotationError as error:
            self.fail(item, *self._field(item, error))
            return
        if item.key:
            self.created[item.key] = annotation
        paragraph = placed.paragraph if placed else annotation.root.paragraph
        self.report.imported.append(
            ImportedItem(
                number=item.number,
                line=item.line,
                reference=item.reference,
                motivation=annotation.motivation,
                paragraph=paragraph.public_id,
                remark=placed.remark if placed else "",
                annotation=annotation,
            )
        )

    def _field(self, item: Item, error: AnnotationError) -> tuple[str, str]:
        """The service's complaint at the place in the file it is about."""
        if item.parsed is not None:
            mapped = w3c.service_error(error, item.parsed)
            return item.at(mapped.field), mapped.message
        name = HYPOTHESIS_FIELDS.get(error.field.partition(".")[0], error.field)
        return item.at(name), error.message

    def fail(self, item: Item, field: str, reason: str) -> None:
        if item.key:
            self.failed.add(item.key)
        self.report.problems.append(
            ImportProblem(item.number, item.line, item.reference, field, reason)
        )
