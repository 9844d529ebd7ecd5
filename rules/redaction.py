"""What masking needs to know about an end user, and the maskers that hide it.

The one cache of maskers lives here (`masker_for`): compiling the pattern of a user's known
values is the costly part of masking, and a page, an export or a rollup rebuild meets the same
users again and again.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from conversations.models import EndUser, Entity
from rules.masking import Masker, PersonalValues, fold

MASKER_CACHE_SIZE = 1024
MAX_FORMER = 50


def personal_entity_names_by_business(business_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """{business id: names of the entities any of its bots marks personal}, in one query.

    An end user's attributes are collected by all the business's bots, so a value that one bot
    marks personal stays personal in every conversation of that user, whichever bot it is with.
    """
    business_ids = list(business_ids)
    names: dict[int, set[str]] = defaultdict(set)
    for business_id, name in Entity.objects.filter(
        bot__business_id__in=business_ids, personal=True
    ).values_list("bot__business_id", "name"):
        names[business_id].add(name)
    return {business_id: frozenset(names[business_id]) for business_id in business_ids}


def personal_entity_names(business_id: int) -> frozenset[str]:
    return personal_entity_names_by_business([business_id])[business_id]


@lru_cache(maxsize=MASKER_CACHE_SIZE)  # asked for every attribute each time values are read
def entity_key(name: str) -> str:
    """An attribute key or entity name as compared: its letters and digits alone, folded as
    masking folds texts (case, width, accents, invisible characters aside), so "Account No",
    "ACCOUNT_NO ", "AccountNo", "ａｃｃｏｕｎｔ‑ｎｏ" and "acc\u00adount_no" (a soft hyphen, which
    shows nothing) name one entity: a key typed otherwise must not show a personal value."""
    return _NOT_KEY.sub("", fold(name).text.casefold())


_NOT_KEY = re.compile(r"[\W_]+")


def personal_entity_named(key: str, personal_entities: Iterable[str]) -> str | None:
    """The personal entity that an attribute `key` names (see `entity_key`), or None."""
    wanted = entity_key(key)
    return next((name for name in personal_entities if entity_key(name) == wanted), None)


def personal_values(end_user: EndUser, personal_entities: Iterable[str]) -> PersonalValues:
    """The values on record that the masking must hide, for one end user: their current
    details, every value of each attribute that names a personal entity, and the values they
    were known by before (`EndUser.former_personal`)."""
    personal_entities = frozenset(personal_entities)
    return PersonalValues(
        name=end_user.name,
        email=end_user.email,
        phone=end_user.phone,
        entities=_personal_pairs((end_user.attributes or {}).items(), personal_entities),
        former=tuple(
            PersonalValues(
                name=earlier.get("name", ""),
                email=earlier.get("email", ""),
                phone=earlier.get("phone", ""),
                entities=_personal_pairs(earlier.get("entities", []), personal_entities),
            )
            for earlier in end_user.former_personal or []
        ),
    )


def _personal_pairs(
    items: Iterable[tuple[str, object]], personal_entities: frozenset[str]
) -> tuple[tuple[str, str | int | float], ...]:
    pairs = set()
    for key, value in items:
        name = personal_entity_named(key, personal_entities)
        if name is not None and value not in (None, ""):
            pairs.add((name, _known_value(value)))
    return tuple(sorted(pairs, key=lambda pair: (pair[0], str(pair[1]))))


def remember_former_values(
    end_user: EndUser, before: PersonalValues, after: PersonalValues
) -> None:
    """Keep on `end_user` the values `before` had that `after` lost, so older texts that
    hold them stay masked. At most MAX_FORMER corrections are kept, the latest."""
    lost = {
        field: getattr(before, field)
        for field in ("name", "email", "phone")
        if getattr(before, field) and getattr(before, field) != getattr(after, field)
    }
    entities = sorted(set(before.entities) - set(after.entities), key=str)
    if entities:
        lost["entities"] = [list(pair) for pair in entities]
    if lost:
        end_user.former_personal = [*(end_user.former_personal or []), lost][-MAX_FORMER:]


def _known_value(value: object) -> str | int | float:
    # The masker reads a JSON number's digits in any form it may be typed in.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


@lru_cache(maxsize=MASKER_CACHE_SIZE)
def masker_for(known: PersonalValues) -> Masker:
    return Masker(known)
