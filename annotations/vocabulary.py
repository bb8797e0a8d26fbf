"""A group's tag vocabulary: the tags its course defined, offered first as suggestions and, when
the course made them binding, the only tags the course's notes may carry.

The vocabulary is kept on the course (`courses.Course.tag_vocabulary`, `tags_binding`). A course
owns its group one-to-one, so it is read here through the reverse accessor `group.course`: the
courses app imports this one, never the other way round.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from taggit.models import Tag

from annotations import selectors
from annotations.models import Group


@dataclass(frozen=True)
class TagVocabulary:
    owner: str
    names: tuple[str, ...]
    binding: bool

    def spelling(self, tag: str) -> str | None:
        """The vocabulary's spelling of a tag, matched regardless of case; None if not in it."""
        folded = tag.casefold()
        return next((name for name in self.names if name.casefold() == folded), None)

    def starting_with(self, prefix: str) -> list[str]:
        folded = prefix.casefold()
        return [name for name in self.names if name.casefold().startswith(folded)]


@dataclass(frozen=True)
class TagSuggestion:
    name: str
    slug: str
    count: int
    vocabulary: bool


def group_vocabulary(group: Group | None) -> TagVocabulary | None:
    """None for no group, a group without a course, or a course without a vocabulary."""
    if group is None:
        return None
    try:
        course = group.course
    except ObjectDoesNotExist:
        return None
    if not course.tag_vocabulary:
        return None
    return TagVocabulary(
        owner=course.title, names=tuple(course.tag_vocabulary), binding=course.tags_binding
    )


def vocabulary_for_member(user, group_slug: str) -> TagVocabulary | None:
    """A group's vocabulary for one of its members; for anyone else the same None as for a
    group without one, so asking reveals nothing about a group."""
    if not group_slug or not user.is_authenticated:
        return None
    group = Group.objects.filter(slug=group_slug, members=user).select_related("course").first()
    return group_vocabulary(group)


def tag_suggestions(
    user, prefix: str, *, vocabulary: TagVocabulary | None, limit: int
) -> list[TagSuggestion]:
    """The vocabulary's tags that start with the prefix, in the instructor's order and all of
    them, then the tags in use (`selectors.tag_suggestions`) up to `limit` in all. A binding
    vocabulary is the whole list: suggesting a tag the save would refuse helps nobody."""
    prefix = prefix.lstrip()
    own = vocabulary.starting_with(prefix) if vocabulary else []
    items = [TagSuggestion(name, "", 0, True) for name in own]
    if own:
        items = _with_usage(user, items)
    if vocabulary is not None and vocabulary.binding:
        return items
    room = max(0, limit - len(own))
    taken = {Tag().slugify(name) for name in own}
    used = selectors.tag_suggestions(user, prefix, limit=room + len(own)) if room else []
    rest = [
        TagSuggestion(tag.spelling, tag.slug, tag.annotation_count, False)
        for tag in used
        if tag.slug not in taken
    ]
    return items + rest[:room]


def _with_usage(user, items: list[TagSuggestion]) -> list[TagSuggestion]:
    """Each vocabulary tag with the slug and count of the tag in use, if the user sees it used.
    Found by slug (a tag's slug ignores case): a note's tag is the vocabulary's whatever its
    spelling."""
    slugs = {item.name: Tag().slugify(item.name) for item in items}
    used = {
        tag.slug: tag
        for tag in selectors.tags_visible_to(user).filter(slug__in=set(slugs.values()))
    }
    result = []
    for item in items:
        tag = used.get(slugs[item.name])
        slug, count = (tag.slug, tag.annotation_count) if tag else (slugs[item.name], 0)
        result.append(TagSuggestion(item.name, slug, count, True))
    return result
