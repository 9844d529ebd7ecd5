"""Placeholders read as words ("[account number]"), in one casing, marked as masked only where
masking put them; the keys of a user's details read as words too."""

import pytest

from chats.transcript import words_of
from rules.masking import PLACEHOLDER, Masker, PersonalValues, personal_placeholder, shorten
from rules.presenter import placeholder_pattern, placeholder_spans
from tests.factories import MembershipFactory
from tests.pii import ACCOUNT, PAN_ENTITY, planted_conversation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "entity, placeholder",
    [
        ("account_number", "[account number]"),
        ("accountNumber", "[account number]"),
        ("Account-Number", "[account number]"),
        ("PAN_Number", "[PAN number]"),
        ("aadhaar", "[Aadhaar]"),
        ("customer id", "[customer ID]"),
        ("date_of_birth", "[date of birth]"),
        ("पिन_कोड", "[पिन कोड]"),
        ("__", "[detail]"),
    ],
)
def test_an_entitys_placeholder_is_its_name_in_words(entity, placeholder):
    assert personal_placeholder(entity) == placeholder
    assert PLACEHOLDER.fullmatch(placeholder)  # never cut by `shorten` nor a snippet


def test_the_masker_writes_the_entitys_words_with_no_space_before_punctuation():
    masker = Masker(
        PersonalValues(name="Ravi Kumar", entities=(("account_number", "123456789012"),))
    )

    assert masker.mask("Hello Ravi Kumar, acct 123456789012.") == (
        "Hello [name], acct [account number]."
    )


def test_a_text_is_never_cut_inside_an_entitys_placeholder():
    assert shorten("send it to [account number] today", 22) == "send it to…"


def test_only_the_businesss_placeholders_are_marked_masked():
    text = "I wrote [sic] and [account number], [PAN], [Aadhaar number]"

    spans = placeholder_spans(text, placeholder_pattern(frozenset({"account_number"})))

    assert [placeholder for _, _, placeholder in spans] == [
        "[account number]",
        "[PAN]",
        "[Aadhaar number]",
    ]


@pytest.mark.parametrize(
    "key, label",
    [("date_of_birth", "Date of birth"), ("pan_number", "PAN number"), ("city", "City")],
)
def test_a_details_key_reads_as_words(key, label):
    assert words_of(key) == label


def test_words_of_a_masked_key_keep_its_placeholders():
    assert words_of("[name]_loyalty-tier") == "[name] loyalty tier"


@pytest.mark.parametrize("full", [True, False])
def test_the_chat_page_shows_detail_labels_and_placeholders_as_words(client, full):
    conversation = planted_conversation()
    client.force_login(
        MembershipFactory(
            business=conversation.business, agent=True, view_personal_details=full
        ).user
    )

    html = client.get(f"/c/{conversation.token}/").content.decode()

    assert "<dt>PAN number</dt>" in html and "<dt>Account number</dt>" in html
    assert "pan_number" not in html and "account_number" not in html
    assert (ACCOUNT in html) is full and (PAN_ENTITY in html) is full
    if not full:
        assert '<span class="masked">[account number]</span>' in html
        assert '<span class="masked">[PAN number]</span>' in html
