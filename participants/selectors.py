"""Read queries of the participants app."""

import re
import unicodedata
from functools import cache

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from .models import AccountInvitation, MembershipProposal, Organisation, OrganisationMerge, Strategy, User


def account_invitation_by_token(*, token: str) -> AccountInvitation | None:
    """An open account invitation (not yet used) for this token."""
    if not token:
        return None
    return (
        AccountInvitation.objects.select_related("user", "organisation")
        .filter(token=token, accepted_at__isnull=True)
        .first()
    )


def membership_proposal_for(*, token: str, user: User) -> MembershipProposal | None:
    """The proposal behind this link, only for the person it was made to (anyone else: None, so 404)."""
    if not token or not user.is_authenticated:
        return None
    return (
        MembershipProposal.objects.select_related("organisation", "proposed_by").filter(token=token, user=user).first()
    )


def user_organisations(*, user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).order_by("name").distinct()


SLUG = re.compile(r"[-\w]+")


def user_organisation(*, user: User, slug: str | None = None) -> Organisation | None:
    """The organisation the user acts for: the one named by ``slug`` if they belong to it, else their first."""
    organisations = user_organisations(user=user)
    if slug:
        if not SLUG.fullmatch(slug):
            return None  # no organisation has it (and PostgreSQL refuses NUL bytes in a query)
        return organisations.filter(slug=slug).first()
    return organisations.first()


# The strategy in force comes first: the one adopted last (the latest entered if no date).
IN_FORCE_FIRST = (F("adopted_on").desc(nulls_last=True), "-created_at", "-pk")


def current_strategy(*, organisation: Organisation) -> Strategy | None:
    """The organisation's strategy in force."""
    return (
        Strategy.objects.filter(organisation=organisation)
        .order_by(*IN_FORCE_FIRST)
        .select_related("organisation")
        .first()
    )


def strategies_in_force() -> QuerySet[Strategy]:
    """The strategy in force of every organisation, one each, chosen by a correlated subquery so that the
    database can filter, sort, count and slice them."""
    newest = Strategy.objects.filter(organisation=OuterRef("organisation")).order_by(*IN_FORCE_FIRST).values("pk")[:1]
    return Strategy.objects.filter(pk=Subquery(newest))


@cache
def _user_statement() -> tuple[list[str], str]:
    fields = User._meta.concrete_fields
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table, pk = quote(User._meta.db_table), quote(User._meta.pk.column)
    sql = f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608  # nosec B608
    return [field.attname for field in fields], sql


def user_of_session(*, user_id) -> User | None:
    """The signed-in person, read on every request. On PostgreSQL by one statement written out once (psycopg
    returns each column as the field's Python type); on other databases through the ORM."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    using = router.db_for_read(User)
    connection = connections[using]
    if connection.vendor != "postgresql" or using != DEFAULT_DB_ALIAS:
        return User._default_manager.db_manager(using).filter(pk=pk).first()
    attnames, sql = _user_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    return None if row is None else User.from_db(using, attnames, row)


# The directory of organisations ------------------------------------------------------------------------

# Words that name the kind of a body rather than the body: "Stadt Jena", "Jena, Stadt" and "Jena" are one.
KIND_WORDS = frozenset(
    {
        "stadt",
        "landkreis",
        "kreis",
        "gemeinde",
        "markt",
        "hansestadt",
        "landeshauptstadt",
        "kreisstadt",
        "kreisfreie",
        "grosse",
        "freie",
        "und",
        "universitaetsstadt",
        "wissenschaftsstadt",
    }
)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def organisation_name_key(name: str) -> str:
    """A name folded for comparison: case, umlauts and ß, accents and punctuation ignored, and words that name
    the kind of body (Stadt, Landkreis, Kreis, Gemeinde, Markt, Hansestadt …) left out."""
    folded = unicodedata.normalize("NFKC", name or "").casefold().translate(_FOLD)
    folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    words = [word for word in _NOT_WORD.split(folded) if word]
    kept = [word for word in words if word not in KIND_WORDS]
    return " ".join(kept or words)


def organisation_duplicates(*, name: str, ags: str | None = None, exclude_pk: int | None = None) -> list[Organisation]:
    """Organisations that are likely the same as one named ``name`` with ``ags``: the same AGS, or the same
    name once folded (:func:`organisation_name_key`). The same AGS comes first, then by name."""
    key = organisation_name_key(name)
    candidates = Organisation.objects.exclude(pk=exclude_pk).order_by("name", "pk")
    same_ags = list(candidates.filter(ags=ags)) if ags else []
    seen = {organisation.pk for organisation in same_ags}
    same_name = [
        Organisation(pk=pk)
        for pk, other in candidates.values_list("pk", "name")
        if pk not in seen and key and organisation_name_key(other) == key
    ]
    if same_name:
        by_pk = Organisation.objects.in_bulk([organisation.pk for organisation in same_name])
        same_name = [by_pk[organisation.pk] for organisation in same_name if organisation.pk in by_pk]
    return same_ags + same_name


def organisation_search(*, query: str = "", kind: str = "") -> QuerySet[Organisation]:
    organisations = Organisation.objects.annotate(member_count=Count("memberships", distinct=True)).order_by("name")
    query = query.strip()
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(place__icontains=query))
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations


def organisation_merges(*, organisation: Organisation) -> QuerySet[OrganisationMerge]:
    """The organisations merged into this one, newest first (the audit entries)."""
    return OrganisationMerge.objects.filter(target=organisation).select_related("merged_by")
