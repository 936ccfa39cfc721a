"""The directory of organisations: create and rename (warning about likely duplicates), merge, delete.

Who may do this is decided by the caller's view (``permissions.can_maintain_directory``)."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from strategy_exchange.errors import DomainError

from . import merging, selectors
from .models import Organisation, OrganisationMerge, User

FIELDS = ("name", "kind", "state", "place", "ags", "website")


class PossibleDuplicates(DomainError):
    """The organisation looks like one (or more) already in the directory; ``duplicates`` lists them.
    The organiser opens one of them or confirms that it is another body."""

    def __init__(self, duplicates: list[Organisation]):
        names = ", ".join(str(organisation) for organisation in duplicates)
        super().__init__(
            gettext(
                "Diese Organisation gibt es vielleicht schon: %(names)s. Öffnen Sie die vorhandene oder bestätigen "
                "Sie, dass es eine andere ist."
            )
            % {"names": names},
            field="confirmed",
        )
        self.duplicates = duplicates


class AgsTaken(DomainError):
    """Another organisation has this AGS (it is unique): the organiser opens that one or corrects the AGS."""

    def __init__(self, owner: Organisation):
        super().__init__(
            gettext("Dieser Amtliche Gemeindeschlüssel ist bereits einer anderen Organisation zugeordnet."), field="ags"
        )
        self.duplicates = [owner]


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:180] or "organisation"
    slug, counter = base, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _check_ags(ags: str | None, *, exclude_pk: int | None = None) -> None:
    owner = Organisation.objects.filter(ags=ags).exclude(pk=exclude_pk).first() if ags else None
    if owner is not None:
        raise AgsTaken(owner)


def _check_duplicates(*, name: str, ags: str | None, confirmed: bool, exclude_pk: int | None = None) -> None:
    _check_ags(ags, exclude_pk=exclude_pk)
    if confirmed:
        return
    duplicates = selectors.organisation_duplicates(name=name, ags=ags, exclude_pk=exclude_pk)
    if duplicates:
        raise PossibleDuplicates(duplicates)


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    state: str = "",
    place: str = "",
    ags: str | None = None,
    website: str = "",
    confirmed: bool = False,
) -> Organisation:
    """A new organisation. One with the AGS of another is refused; one whose name looks like another's
    (``selectors.organisation_name_key``) raises :class:`PossibleDuplicates` unless ``confirmed``."""
    name = name.strip()
    _check_duplicates(name=name, ags=ags or None, confirmed=confirmed)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                slug=_unique_slug(name),
                kind=kind,
                state=state,
                place=place,
                ags=ags or None,
                website=website,
            )
    except IntegrityError:
        raise DomainError(
            gettext("Die Organisation konnte nicht angelegt werden, bitte versuchen Sie es erneut.")
        ) from None
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, confirmed: bool = True, **values) -> Organisation:
    """Change an organisation. A new name or AGS that looks like another organisation's raises
    :class:`PossibleDuplicates` unless ``confirmed``."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "name" in values:
        values["name"] = values["name"].strip()
    if "ags" in values:
        values["ags"] = values["ags"] or None
    renamed = "name" in values and selectors.organisation_name_key(values["name"]) != selectors.organisation_name_key(
        organisation.name
    )
    new_ags = "ags" in values and values["ags"] != organisation.ags
    _check_ags(values.get("ags"), exclude_pk=organisation.pk)
    if renamed or new_ags:
        _check_duplicates(
            name=values.get("name", organisation.name),
            ags=values["ags"] if new_ags else None,
            confirmed=confirmed,
            exclude_pk=organisation.pk,
        )
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.ags = organisation.ags or None
    organisation.save()
    return organisation


# Merging and deleting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeLine:
    key: str
    label: str
    count: int
    conflicts: int = 0
    conflict_label: str = ""


@dataclass
class MergePreview:
    source: Organisation
    target: Organisation
    lines: list[MergeLine] = field(default_factory=list)
    # Fields of the target that are empty and that the source fills in.
    filled: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)


FILLABLE = ("state", "place", "ags", "website")


def organisation_history(*, organisation: Organisation) -> list[MergeLine]:
    """What the organisation has: one line per kind of row, with its count (zero lines included)."""
    return [
        MergeLine(key=mover.key, label=str(mover.label), count=mover.count(organisation)) for mover in merging.movers()
    ]


def organisation_merge_preview(*, source: Organisation, target: Organisation) -> MergePreview:
    """What a merge of ``source`` into ``target`` moves, kind by kind with counts, and how many rows are
    combined with a row the target already has (e.g. a person who belongs to both)."""
    if source.pk == target.pk:
        raise DomainError(
            gettext("Eine Organisation kann nicht mit sich selbst zusammengeführt werden."), field="target"
        )
    lines = [
        MergeLine(
            key=mover.key,
            label=str(mover.label),
            count=mover.count(source),
            conflicts=mover.conflicts(source, target) if mover.conflicts else 0,
            conflict_label=str(mover.conflict_label),
        )
        for mover in merging.movers()
    ]
    filled = [name for name in FILLABLE if getattr(source, name) and not getattr(target, name)]
    return MergePreview(source=source, target=target, lines=lines, filled=filled)


@transaction.atomic
def organisation_merge(*, source: Organisation, target: Organisation, merged_by: User | None) -> OrganisationMerge:
    """Merge ``source`` into ``target`` in one transaction: every row of every floor that points at the source
    moves to the target (rows the target already has are combined, see each mover), empty fields of the
    target take the source's values, the source is deleted and an audit entry is written."""
    locked = {o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    if source.pk not in locked or target.pk not in locked:
        raise DomainError(gettext("Eine der Organisationen gibt es nicht mehr."))
    source, target = locked[source.pk], locked[target.pk]
    preview = organisation_merge_preview(source=source, target=target)
    moved: dict[str, dict[str, int]] = {}
    for mover in merging.movers():
        line = next(line for line in preview.lines if line.key == mover.key)
        result = mover.move(source, target) if mover.move else merging.Moved(moved=line.count)
        moved[mover.key] = {"count": line.count, "moved": result.moved, "combined": result.combined}
    entry = OrganisationMerge.objects.create(
        target=target,
        source_pk=source.pk,
        source_name=source.name,
        source_slug=source.slug,
        source_ags=source.ags or "",
        moved=moved,
        merged_by=merged_by if merged_by is not None and merged_by.is_authenticated else None,
    )
    filled = {name: getattr(source, name) for name in preview.filled}
    source.delete()  # after the moves: nothing of it is left to cascade; its AGS is free for the target
    if filled:
        for name, value in filled.items():
            setattr(target, name, value)
        target.save(update_fields=list(filled))
    return entry


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation that has no history (no people, invitations, strategies, comments …).
    One with history is refused: merge it into the right one instead."""
    organisation = Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if organisation is None:
        return
    history = [line for line in organisation_history(organisation=organisation) if line.count]
    if history:
        what = ", ".join(f"{line.label}: {line.count}" for line in history)
        raise DomainError(
            gettext(
                "%(name)s hat bereits eine Geschichte (%(what)s) und kann nicht gelöscht werden. Führen Sie sie "
                "stattdessen mit der richtigen Organisation zusammen."
            )
            % {"name": organisation, "what": what}
        )
    organisation.delete()
