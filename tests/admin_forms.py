"""The Django admin's forms, filled in as an operator would."""


def bot_form(bot, personal):
    """The change form of `bot`, its entities kept and marked personal as `personal` says
    ({name: personal}; a name left out: not personal)."""
    entities = list(bot.entities.order_by("name"))
    data = {
        "name": bot.name,
        "entities-TOTAL_FORMS": str(len(entities)),
        "entities-INITIAL_FORMS": str(len(entities)),
        "entities-MIN_NUM_FORMS": "0",
        "entities-MAX_NUM_FORMS": "1000",
    }
    for index, entity in enumerate(entities):
        prefix = f"entities-{index}"
        data |= {f"{prefix}-id": entity.pk, f"{prefix}-bot": bot.pk, f"{prefix}-name": entity.name}
        if personal.get(entity.name):
            data[f"{prefix}-personal"] = "on"
    return data
