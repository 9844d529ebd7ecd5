"""What masking needs to know about an end user, and the maskers that hide it.

The one cache of maskers lives here (`masker_for`): compiling the pattern of a user's known
values is the costly part of masking, and a page, an export or a rollup rebuild meets the same
users again and again.
"""

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from conversations.models import EndUser, Entity
from rules.masking import Masker, PersonalValues

MASKER_CACHE_SIZE = 1024


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


def personal_entity_named(key: str, personal_entities: Iterable[str]) -> str | None:
    """The personal entity that an attribute `key` names, whatever its case, or None."""
    folded = key.casefold()
    return next((name for name in personal_entities if name.casefold() == folded), None)


def personal_values(end_user: EndUser, personal_entities: Iterable[str]) -> PersonalValues:
    """The values on record that the masking must hide, for one end user."""
    personal_entities = frozenset(personal_entities)
    entities: dict[str, str | int | float] = {}
    for key, value in sorted((end_user.attributes or {}).items()):
        name = personal_entity_named(key, personal_entities)
        if name is not None and value not in (None, ""):
            entities.setdefault(name, _known_value(value))
    return PersonalValues(
        name=end_user.name,
        email=end_user.email,
        phone=end_user.phone,
        entities=tuple(sorted(entities.items())),
    )


def _known_value(value: object) -> str | int | float:
    # The masker reads a JSON number's digits in any form it may be typed in.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


@lru_cache(maxsize=MASKER_CACHE_SIZE)
def masker_for(known: PersonalValues) -> Masker:
    return Masker(known)
