"""Deterministic demo data for Chat Links, as records of the import format (import-format.md).

`demo_records()` yields three businesses with their bots, teams and staff, then conversations
whose transcripts carry every kind of PII the site must mask (the user's name, email and phone,
Luhn-valid card numbers, PAN, Verhoeff-valid Aadhaar numbers, personal entity values) next to
look-alikes it must leave readable (Luhn-invalid order ids, Verhoeff-invalid UTRs, amounts,
dates). The same seed and `today` give the same records byte for byte. Ids depend on the seed
alone, not on `today` (which only moves timestamps), so seeding again, even on another day,
updates the same objects instead of adding new ones.
"""

import datetime
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from faker import Faker

from rules.masking import luhn_valid, verhoeff_valid

# Every demo login shares it; it is printed by `seed_demo`, so it is no secret.
DEMO_PASSWORD = "chatlinks-demo"  # noqa: S105

DAYS = 60  # conversations are spread over this many days before `today`
OPENING_HOURS = (9, 18)  # first and last local hour in which a conversation may start
CONVERSATIONS_PER_LONG_CHAT = 150  # one ~150-message marathon per this many conversations
ABANDONED_RATE = 0.12  # users who leave after a few messages
HANDOVER_RATE = 0.42  # planned hand-overs; a bot that fails twice adds more: ~42% in all
BREAK_RATE = 0.25  # per user message to the bot, a stray one first: ~13% of all
CSAT_RATE = 0.6  # of the chats that ended normally (~84%), so ~50% of all are rated
REVIEW_RATE = 0.5
RATING_WEIGHTS = (8, 7, 15, 30, 40)  # ratings 1..5, skewed positive as real CSAT is
# How many conversations one end user has: mostly one or two, a long tail up to ten.
CONVERSATIONS_PER_USER = {1: 40, 2: 22, 3: 14, 4: 9, 5: 6, 6: 3, 7: 2, 8: 2, 9: 1, 10: 1}
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
PAN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"

T = TypeVar("T")

# ---------------------------------------------------------------------------------------------
# Check digits


def _check_digit(payload: str, is_valid) -> int:
    """The digit that, appended to `payload`, makes a number `is_valid` accepts: the demo
    plants values the masker must find, so it checks them with the masker's own rules."""
    return next(digit for digit in range(10) if is_valid(f"{payload}{digit}"))


def luhn_check_digit(payload: str) -> int:
    """For payment cards."""
    return _check_digit(payload, luhn_valid)


def verhoeff_check_digit(payload: str) -> int:
    """For Aadhaar numbers."""
    return _check_digit(payload, verhoeff_valid)


# ---------------------------------------------------------------------------------------------
# The demo world, as data. Dialogue text is a template filled from a conversation's context
# (see `_Builder.context`); a tuple of strings offers alternatives, one picked at random.

Options = str | tuple[str, ...]
Turns = tuple[tuple[str, Options], ...]  # (sender: "user", "bot" or "agent", text)


@dataclass(frozen=True)
class Scenario:
    team: int  # index into the business's teams: who takes it over from the bot
    issue: str  # the value of the bot's issue_type entity
    opening: Options  # the user's first words about the issue
    bot_flow: Turns  # the bot working on it
    resolution: Turns  # how the bot closes it when nobody takes over
    agent_flow: Turns  # how an agent closes it after a hand-over


@dataclass(frozen=True)
class DemoBot:
    slug: str
    name: str
    greeting: str
    entities: tuple[tuple[str, bool], ...]  # (name, personal)
    weight: int  # share of the business's conversations
    scenarios: tuple[Scenario, ...]
    breaks: tuple[tuple[str, int], ...]  # (what the bot fails to understand, weight)
    follow_ups: tuple[tuple[str, str], ...]  # (user question, answer by the bot or agent)
    picks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per-conversation values


@dataclass(frozen=True)
class Seat:
    """One staff line: a login's role in one business."""

    role: str
    view_personal_details: bool
    teams: tuple[int, ...] = ()  # team indexes
    leads: tuple[int, ...] = ()


@dataclass(frozen=True)
class DemoBusiness:
    slug: str
    name: str
    timezone: str
    prefix: str  # of its staff usernames
    teams: tuple[tuple[str, str], ...]  # (slug, name)
    bots: tuple[DemoBot, ...]
    share: int  # of all demo conversations
    channels: tuple[tuple[str, int], ...]  # (channel, weight)
    us_users: float  # share of end users with US names and phone numbers
    currency: str  # "INR" or "USD"
    amounts: tuple[int, int]  # range of amounts mentioned in chats


# Every business has each of these logins, named `<prefix>_<suffix>`: every role, with and
# without the personal-details permission (an analyst holding it must still see no PII).
STAFF_LAYOUT: tuple[tuple[str, Seat], ...] = (
    ("agent", Seat("agent", True, teams=(0, 1))),
    ("agent_masked", Seat("agent", False, teams=(0, 2))),
    ("agent2", Seat("agent", True, teams=(1,))),
    ("agent3", Seat("agent", False, teams=(2,))),
    ("agent4", Seat("agent", True, teams=(0,))),
    ("lead", Seat("team_lead", True, teams=(0, 1), leads=(0, 1))),
    ("lead_masked", Seat("team_lead", False, teams=(2,), leads=(2,))),
    ("analyst", Seat("analyst", False)),
    ("analyst_perm", Seat("analyst", True)),
    ("admin", Seat("admin", True)),
    ("admin_masked", Seat("admin", False)),
)
# The first agents get more chats so that their My Chats pages are the fullest.
MAIN_AGENT_WEIGHT = {"agent": 3, "agent_masked": 3}

# Logins that work for several businesses, with a different role in each.
MULTI_BUSINESS_STAFF: tuple[tuple[str, tuple[tuple[str, Seat], ...]], ...] = (
    (
        "multi_lead",
        (
            ("acme-bank", Seat("team_lead", True, teams=(2,), leads=(2,))),
            ("shopkart", Seat("analyst", False)),
        ),
    ),
)

ROLE_VIEWS = {
    "agent": "agent: My Chats",
    "team_lead": "team lead of {teams}: Teams and Business chats",
    "analyst": "analyst: Intelligent Analytics only",
    "admin": "admin: every Smart Agent Chat and Analytics page",
}

USER_HELLOS = ("hi", "hello", "Hi", "hii", "Good morning", "hey")
BOT_FALLBACKS = (
    "Sorry, I didn't get that. Could you rephrase?",
    "I'm still learning and couldn't understand that. You can pick an option from the menu.",
    "Hmm, I'm not sure I understood. Can you say that differently?",
)
HANDOFF_LINES = (
    "Let me connect you to one of our specialists.",
    "I'm transferring you to a colleague who can help with this.",
    "Please wait while I connect you to an agent.",
)
TRANSFER = "Conversation transferred to agent {agent_name}"
CLOSED = "Conversation closed by {agent_name}"
CLOSINGS = (
    ("thanks", "You're welcome! Have a great day."),
    ("thank you so much", "Happy to help. Is there anything else I can do for you?"),
    ("ok thanks bye", "Bye {first_name}, take care!"),
    ("Thanks, that's all", "Glad I could help. Have a nice day!"),
)
LANGUAGES = {"en_IN": ("English", "Hindi", "Hinglish", "Tamil", "Marathi"), "en_US": ("English",)}
CITIES = {
    "en_IN": (
        "Mumbai",
        "Pune",
        "Bengaluru",
        "Chennai",
        "Hyderabad",
        "Delhi",
        "Kolkata",
        "Ahmedabad",
        "Jaipur",
        "Kochi",
        "Lucknow",
        "Indore",
    ),
    "en_US": ("New York", "Jersey City", "Edison", "Chicago", "Houston", "San Jose", "Boston"),
}
REVIEWS = {
    "positive": (
        "Very quick resolution, thanks!",
        "Helpful and polite",
        "Problem solved in minutes",
        "The bot understood me quickly",
        "Good service. - {name}",
        "Excellent, sorted out in one chat",
    ),
    "neutral": (
        "Okay, took some time",
        "Resolved but I had to repeat my details twice",
        "The bot couldn't understand me at first",
        "Fine, but the wait was long",
    ),
    "negative": (
        "Bot didn't understand anything",
        "Still waiting, nobody called me back on {phone}",
        "This is {name}, my issue is still not resolved",
        "Too many questions, no answer",
    ),
}
AGENT_REVIEWS = {
    "positive": ("{agent_first} was very helpful", "Great support by {agent_first}, thank you"),
    "neutral": ("{agent_first} was polite but it took long",),
    "negative": ("{agent_first} closed the chat before fixing my problem",),
}

ACME_ASSIST = DemoBot(
    slug="acme-assist",
    name="Acme Assist",
    greeting="Hi! I'm Acme Assist, Acme Bank's virtual assistant. How can I help you today?",
    entities=(
        ("account_number", True),
        ("pan", True),
        ("date_of_birth", True),
        ("address", True),
        ("city", False),
        ("card_type", False),
        ("issue_type", False),
        ("language", False),
    ),
    weight=7,
    picks={"card_type": ("Visa debit", "RuPay debit", "Mastercard credit", "Visa Signature")},
    scenarios=(
        Scenario(
            team=0,
            issue="Card blocked",
            opening=(
                "My debit card is blocked",
                "card blocked after wrong PIN attempts",
                "Hi, I'm {name}. My ATM card got blocked, please help",
                "debit card not working at any ATM since morning",
            ),
            bot_flow=(
                ("bot", "I'm sorry about that. Please enter your registered mobile number."),
                ("user", ("{phone}", "my number is {phone}", "{phone} is registered")),
                ("bot", "Thanks. Please share the card number so I can check its status."),
                ("user", ("{card}", "card no {card}", "here it is {card}")),
                (
                    "bot",
                    "Your {card_type} card ending {card_last4} is blocked after 3 incorrect PIN "
                    "attempts. It unblocks after 24 hours, or I can raise an unblock request.",
                ),
            ),
            resolution=(
                ("user", ("ok raise the request", "please unblock it", "yes please")),
                ("bot", "Done! Request {ticket} is raised; the card will be active in 4 hours."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, this is {agent_first} from the Cards team. I can see the "
                    "card ending {card_last4}. Can you confirm your date of birth?",
                ),
                ("user", ("{date_of_birth}", "it's {date_of_birth}")),
                (
                    "agent",
                    "Thank you. I have unblocked it; please set a new PIN at any Acme ATM. "
                    "Reference {ticket}.",
                ),
                ("user", ("will the old PIN work?", "do I need a new PIN?")),
                ("agent", "Please set a new PIN, the old one was reset for your safety."),
            ),
        ),
        Scenario(
            team=1,
            issue="KYC update",
            opening=(
                "I need to update my KYC",
                "KYC pending message is coming in the app",
                "got sms to update kyc else account will be frozen",
            ),
            bot_flow=(
                ("bot", "You can complete re-KYC right here. Please share your PAN."),
                ("user", ("{pan}", "PAN is {pan}", "my pan {pan}")),
                ("bot", "Thanks. Now enter your 12-digit Aadhaar number to verify with UIDAI."),
                ("user", ("{aadhaar}", "aadhaar {aadhaar}", "{aadhaar} this is my aadhaar")),
                ("bot", "An OTP has been sent to the mobile number linked with your Aadhaar."),
            ),
            resolution=(
                ("user", ("done, verified", "entered the OTP")),
                ("bot", "Your KYC is updated. It will reflect in 2 working days."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hello {first_name}, {agent_first} here. The UIDAI check failed because the "
                    "name on Aadhaar differs from your account. Is your name exactly {name}?",
                ),
                ("user", ("yes, {name}", "yes that is correct")),
                ("agent", "Please also confirm your current address so I can update it too."),
                ("user", "{address}"),
                ("agent", "Updated. I have emailed the acknowledgement to {email}."),
            ),
        ),
        Scenario(
            team=1,
            issue="Loan EMI",
            opening=(
                "what is my home loan EMI amount",
                "EMI deducted twice this month",
                "want to prepay my personal loan",
            ),
            bot_flow=(
                ("bot", "Please share your loan or savings account number."),
                (
                    "user",
                    ("{account_number}", "account number {account_number}", "a/c {account_number}"),
                ),
                (
                    "bot",
                    "Your next EMI of {amount} is due on {due_date}. The outstanding principal "
                    "is {outstanding}.",
                ),
            ),
            resolution=(
                ("user", ("can I prepay part of it?", "can I pay it early?")),
                (
                    "bot",
                    "Yes, part-prepayment is free up to 25% a year. Use Loans > Prepay in the app.",
                ),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, I'm {agent_first} from Loans. I can see two debits of "
                    "{amount} on {past_date}. The second one will be reversed in 3-5 working days.",
                ),
                ("user", ("ok please share the reference", "can you send this on email?")),
                (
                    "agent",
                    "Sure, reversal reference {ticket}. I've sent the details to {email} and an "
                    "SMS to {phone}.",
                ),
            ),
        ),
        Scenario(
            team=0,
            issue="UPI failure",
            opening=(
                "UPI payment failed but money debited",
                "sent {amount} via UPI, shop did not receive it",
                "transaction failed amount deducted",
            ),
            bot_flow=(
                ("bot", "Please share the UTR or transaction reference number."),
                ("user", ("UTR {utr}", "{utr}", "ref no {utr}")),
                (
                    "bot",
                    "Transaction {utr} for {amount} on {past_date} is pending with the "
                    "beneficiary bank. Failed transactions are reversed within 48 hours.",
                ),
            ),
            resolution=(
                ("user", ("ok will wait", "fine")),
                ("bot", "Thank you for your patience. You'll get an SMS once it is reversed."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} here. I've raised dispute {ticket} for "
                    "{utr}. The amount will be credited back to account {account_number} "
                    "within 5 working days.",
                ),
                ("user", "thank you, call me on {phone} if you need anything"),
                ("agent", "Noted, we'll call you on {phone} if required."),
            ),
        ),
    ),
    breaks=(
        ("emi moratorium", 6),
        ("emi moratorium for my home loan", 4),
        ("need emi moratorium on loan account {account_number}", 2),
        ("cheque book not received", 4),
        ("net banking locked", 3),
        ("net banking locked again", 2),
        ("kyc update pending", 3),
        ("money debited but not credited", 3),
        ("this is {name}, net banking locked", 1),
        ("call me on {phone}", 1),
    ),
    follow_ups=(
        (
            "what are the branch timings",
            "Branches are open 10 AM to 4 PM, Monday to Saturday except 2nd and 4th Saturdays.",
        ),
        ("is there any charge for this", "No, there is no charge for this service."),
        (
            "what's the IFSC of the {city} branch",
            "The IFSC of our {city} main branch is ACME0004821.",
        ),
        (
            "how do I increase my UPI limit",
            "Under Profile > UPI settings, up to Rs. 1,00,000 a day.",
        ),
        ("please send the details to {email}", "Sure, the details have been sent to {email}."),
        (
            "how long does a NEFT transfer take",
            "NEFT is settled in half-hourly batches, usually within an hour.",
        ),
        ("can I update my address online", "Yes, under Profile > Address with an Aadhaar OTP."),
        (
            "is my FD maturing this month",
            "Your fixed deposits are listed under Deposits in the app.",
        ),
        (
            "my credit card bill is {amount}, can I convert it to EMI",
            "Yes, purchases above Rs. 2,500 can be converted to EMI from the app.",
        ),
        ("when will I get the new cheque book", "It is dispatched to your address within 7 days."),
    ),
)

ACME_INSURE = DemoBot(
    slug="acme-insure",
    name="Acme Insure",
    greeting="Welcome to Acme Insure. Ask me about claims, renewals or your policy.",
    entities=(
        ("policy_number", True),
        ("date_of_birth", True),
        ("pan", True),
        ("city", False),
        ("policy_type", False),
        ("issue_type", False),
        ("language", False),
    ),
    weight=3,
    picks={"policy_type": ("Health", "Term life", "Motor", "Home")},
    scenarios=(
        Scenario(
            team=2,
            issue="Claim status",
            opening=(
                "what is the status of my health claim",
                "claim submitted 2 weeks back, no update",
                "hospital cashless claim pending",
            ),
            bot_flow=(
                ("bot", "Please enter your policy number."),
                ("user", ("{policy_number}", "policy no {policy_number}")),
                (
                    "bot",
                    "Claim {claim_no} under policy {policy_number} is under review; documents "
                    "were received on {past_date}.",
                ),
            ),
            resolution=(
                ("user", ("how long will it take", "when will it be settled")),
                ("bot", "Claims are usually settled within 7 working days after review."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hello {first_name}, I'm {agent_first} from Claims. The hospital bill of "
                    "{amount} needs the discharge summary. Please email it to "
                    "claims@acme-bank.example with policy {policy_number}.",
                ),
                ("user", ("sent it from {email}", "mailed it just now from {email}")),
                ("agent", "Received, thank you. I've added it to claim {claim_no}."),
            ),
        ),
        Scenario(
            team=2,
            issue="Renewal",
            opening=(
                "want to renew my policy",
                "my {policy_type} policy is expiring next week",
                "renewal premium kitna hai",
            ),
            bot_flow=(
                ("bot", "Sure. Please confirm your date of birth for verification."),
                ("user", "{date_of_birth}"),
                (
                    "bot",
                    "Your renewal premium is {amount}, due by {due_date}. Shall I send a payment "
                    "link?",
                ),
            ),
            resolution=(
                ("user", ("yes send link", "yes please")),
                ("bot", "Payment link sent to your registered mobile number."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} here. Policy {policy_number} has a no-claim "
                    "bonus, so the premium after discount is {amount}.",
                ),
                ("user", ("can I pay by card {card}?", "charge my card {card}")),
                (
                    "agent",
                    "Please don't share card numbers in chat, {first_name}. I have sent a secure "
                    "payment link to {phone} instead.",
                ),
            ),
        ),
        Scenario(
            team=2,
            issue="Nominee update",
            opening=("how to change nominee", "want to add my wife as nominee", "nominee update"),
            bot_flow=(
                ("bot", "To update the nominee I need your PAN for verification."),
                ("user", ("{pan}", "pan {pan}")),
                ("bot", "Thanks. Please upload the nominee's ID proof in the app."),
            ),
            resolution=(
                ("user", ("uploaded", "done")),
                ("bot", "The nominee will be updated within 3 working days."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, I'm {agent_first}. The upload failed, so please type the "
                    "nominee's Aadhaar number here.",
                ),
                ("user", "{aadhaar}"),
                ("agent", "Thanks, the nominee will be updated within 3 working days."),
            ),
        ),
    ),
    breaks=(
        ("cashless claim pending", 4),
        ("claim rejected why", 3),
        ("policy bond not received", 3),
        ("premium paid twice", 2),
        ("emi moratorium", 1),
        ("my dob is {date_of_birth} check policy", 1),
    ),
    follow_ups=(
        ("is {city} hospital in the network", "Yes, most major hospitals in {city} are cashless."),
        ("can I get the policy copy on email", "Yes, it will be sent to your registered email."),
        ("what is the waiting period", "Pre-existing diseases have a waiting period of 3 years."),
        ("does this cover my parents", "Parents can be added at renewal for an extra premium."),
        (
            "how do I download the tax certificate",
            "The 80D certificate is under Policies > Documents.",
        ),
        ("can I pay the premium monthly", "Yes, monthly payment by auto-debit is available."),
        (
            "please share the policy copy on {email}",
            "Done, the policy copy is on its way to {email}.",
        ),
        ("is dental covered", "Dental treatment is covered only after an accident."),
    ),
)

KARTBOT = DemoBot(
    slug="kartbot",
    name="KartBot",
    greeting="Hey there! I'm KartBot. Ask me about orders, returns, refunds or payments.",
    entities=(
        ("address", True),
        ("upi_id", True),
        ("city", False),
        ("product", False),
        ("issue_type", False),
        ("language", False),
    ),
    weight=1,
    picks={
        "product": (
            "boAt Airdopes 141",
            "Redmi Note 13",
            "cotton kurta set",
            "Prestige pressure cooker",
            "Bata sneakers",
            "Philips air fryer",
            "silk saree",
        )
    },
    scenarios=(
        Scenario(
            team=0,
            issue="Delivery delay",
            opening=(
                "where is my order",
                "order not delivered yet",
                "my {product} was supposed to arrive yesterday",
            ),
            bot_flow=(
                ("bot", "Please share your order ID."),
                ("user", ("{order_id}", "order id {order_id}", "#{order_id}")),
                ("bot", "Your {product} (order {order_id}) is in transit, expected by {due_date}."),
            ),
            resolution=(
                ("user", ("ok thanks", "fine")),
                ("bot", "You'll get delivery updates on WhatsApp."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, this is {agent_first} from ShopKart. The courier missed the "
                    "delivery yesterday. Can you confirm the delivery address?",
                ),
                ("user", "{address}"),
                (
                    "agent",
                    "Thanks. The courier will reattempt on {due_date} and call you on {phone}.",
                ),
            ),
        ),
        Scenario(
            team=1,
            issue="Refund",
            opening=(
                "refund status",
                "I returned the {product} but no refund",
                "refund kab aayega",
            ),
            bot_flow=(
                ("bot", "Please share the order ID of the returned item."),
                ("user", ("{order_id}", "order {order_id}")),
                (
                    "bot",
                    "The refund of {amount} for order {order_id} was initiated on {past_date}. It "
                    "takes 5-7 business days to reach you.",
                ),
            ),
            resolution=(
                ("user", ("ok", "ok will check")),
                ("bot", "You'll get an SMS as soon as the refund is credited."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} here. The refund of {amount} went to the card "
                    "ending {card_last4}, bank reference {utr}.",
                ),
                ("user", ("but I paid by UPI {upi_id}", "I paid with UPI, id {upi_id}")),
                (
                    "agent",
                    "You're right, sorry. I've moved the refund to {upi_id}; it should arrive "
                    "within 24 hours.",
                ),
            ),
        ),
        Scenario(
            team=2,
            issue="Payment failure",
            opening=(
                "payment failed but amount debited",
                "card payment not going through",
                "checkout error when paying",
            ),
            bot_flow=(
                ("bot", "Which card or UPI ID did you use?"),
                ("user", ("card {card}", "{card}", "used my card {card}")),
                (
                    "bot",
                    "I see a failed attempt of {amount} on {past_date}. Any amount debited is "
                    "reversed within 3-5 days.",
                ),
            ),
            resolution=(
                ("user", ("ok", "ok I'll try again")),
                ("bot", "You can also pay with UPI or cash on delivery."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} from Payments. The gateway marked it failed; "
                    "the debit of {amount} will be reversed, reference {utr}.",
                ),
                ("user", ("please email me the details at {email}", "send it to {email}")),
                ("agent", "Sent to {email}."),
            ),
        ),
        Scenario(
            team=1,
            issue="Return pickup",
            opening=(
                "want to return {product}",
                "size doesn't fit, need exchange",
                "return pickup",
            ),
            bot_flow=(
                ("bot", "Please share the order ID."),
                ("user", ("{order_id}", "it's {order_id}")),
                ("bot", "Pickup of your {product} is scheduled for {due_date}, 10 AM to 6 PM."),
            ),
            resolution=(
                ("user", ("ok fine", "ok")),
                ("bot", "Please keep the item in its original packaging."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, I'm {agent_first}. I've moved the pickup to {due_date}. Is "
                    "{phone} the right number for the courier?",
                ),
                ("user", ("yes", "yes that's right")),
                ("agent", "Great. The courier will come to {address}."),
            ),
        ),
    ),
    breaks=(
        ("refund not received", 8),
        ("refund not received yet", 4),
        ("refund not received for order {order_id}", 2),
        ("change delivery address", 6),
        ("want to change delivery address", 3),
        ("cod not available", 3),
        ("coupon not working", 3),
        ("order cancelled without reason", 2),
        ("my number is {phone} call me", 1),
    ),
    follow_ups=(
        (
            "is cash on delivery available in {city}",
            "Yes, cash on delivery is available in {city}.",
        ),
        ("can I change the delivery slot", "Yes, from Orders > Reschedule in the app."),
        ("will I get the invoice on email", "Yes, the invoice is emailed after delivery."),
        ("the total was {amount}, right?", "Yes, {amount} including delivery charges."),
        ("can I use my coupon on the next order", "Coupons can be used once per order."),
        ("do you deliver on Sunday", "Yes, in most cities, including {city}."),
        ("is there an exchange offer", "Yes, exchange offers are shown on the product page."),
        ("can I get a GST invoice", "Yes, add your GSTIN at checkout to get a GST invoice."),
        ("how do I cancel an order", "Open Orders, pick the item and tap Cancel before it ships."),
        ("can refunds go to my UPI {upi_id}", "Yes, future refunds will go to {upi_id}."),
    ),
)

TRIP_GENIE = DemoBot(
    slug="trip-genie",
    name="Trip Genie",
    greeting="Hello from Trip Genie! I can help with flights and hotels booked on TravelGo.",
    entities=(
        ("passport_number", True),
        ("date_of_birth", True),
        ("frequent_flyer_number", True),
        ("destination", False),
        ("travel_class", False),
        ("issue_type", False),
    ),
    weight=7,
    picks={
        "destination": ("Goa", "Dubai", "Singapore", "London", "New York", "Bangkok", "Cancun"),
        "travel_class": ("Economy", "Premium Economy", "Business"),
        "hotel": ("Seaview Resort", "Grand Palace Hotel", "City Inn Suites", "Harbour Lodge"),
    },
    scenarios=(
        Scenario(
            team=0,
            issue="Cancellation",
            opening=(
                "I want to cancel my flight to {destination}",
                "cancel my booking",
                "flight cancel and refund",
            ),
            bot_flow=(
                ("bot", "Please share your booking reference (PNR)."),
                ("user", ("{pnr}", "PNR {pnr}")),
                (
                    "bot",
                    "Booking {pnr} to {destination} on {due_date} is refundable; you will get "
                    "{amount} back after the cancellation fee.",
                ),
            ),
            resolution=(
                ("user", ("ok cancel it", "yes cancel")),
                ("bot", "Cancelled. The refund reaches your original payment method in 7 days."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} from TravelGo. For international bookings I "
                    "need to verify your passport number.",
                ),
                ("user", ("{passport_number}", "passport {passport_number}")),
                (
                    "agent",
                    "Thanks, verified. The booking is cancelled and {amount} will be refunded to "
                    "the card ending {card_last4}.",
                ),
            ),
        ),
        Scenario(
            team=0,
            issue="Baggage",
            opening=("what is the baggage allowance", "can i carry 30 kg", "extra baggage price"),
            bot_flow=(
                (
                    "bot",
                    "In {travel_class} to {destination} you get 25 kg check-in plus 7 kg cabin.",
                ),
                ("user", ("and if I need more?", "need 10 kg extra")),
                ("bot", "Extra baggage costs {amount} per 5 kg when bought online."),
            ),
            resolution=(
                ("user", ("ok", "ok I'll buy it online")),
                ("bot", "You can add it under My Trips > Extras."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hello {first_name}, I'm {agent_first}. I can add 10 kg for {amount}. Shall "
                    "I charge the card on file?",
                ),
                ("user", ("use this card instead {card}", "no, charge {card}")),
                ("agent", "Done. The receipt is on its way to {email}."),
            ),
        ),
        Scenario(
            team=1,
            issue="Date change",
            opening=(
                "need to change my hotel dates in {destination}",
                "modify hotel booking",
                "extend my stay by one night",
            ),
            bot_flow=(
                ("bot", "Please share your booking ID."),
                ("user", ("{pnr}", "booking {pnr}")),
                ("bot", "Your stay at {hotel}, {destination} starts on {due_date}."),
            ),
            resolution=(
                ("user", ("ok I'll change it in the app", "got it")),
                ("bot", "You can change dates for free up to 48 hours before check-in."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} here. The new dates are confirmed; the "
                    "difference is {amount}. The confirmation goes to {email} and the hotel may "
                    "call you on {phone}.",
                ),
                (
                    "user",
                    (
                        "great, please add my frequent flyer number {frequent_flyer_number}",
                        "add FF no {frequent_flyer_number} too",
                    ),
                ),
                ("agent", "Added {frequent_flyer_number} to the booking."),
            ),
        ),
    ),
    breaks=(
        ("flight cancelled refund", 5),
        ("web check in not working", 4),
        ("change travel date", 4),
        ("baggage lost", 3),
        ("seat not allotted", 2),
        ("email me at {email}", 1),
    ),
    follow_ups=(
        ("is breakfast included", "Yes, breakfast is included in this booking."),
        ("can I pick a seat", "Seat selection opens 48 hours before departure."),
        ("what time is check-in", "Check-in starts 3 hours before international departures."),
        ("is there a transfer from the airport", "Airport transfers can be added for {amount}."),
        ("total cost is {amount}?", "Yes, {amount} including taxes."),
        ("can I add a meal", "Meals can be added up to 24 hours before departure."),
        ("is travel insurance included", "No, travel insurance can be added for {amount}."),
        ("send the itinerary to {email}", "Done, the itinerary has been sent to {email}."),
    ),
)

VISA_DESK = DemoBot(
    slug="visa-desk",
    name="Visa Desk",
    greeting="Welcome to TravelGo Visa Desk. I can check applications and appointments.",
    entities=(
        ("passport_number", True),
        ("date_of_birth", True),
        ("address", True),
        ("destination", False),
        ("visa_type", False),
        ("language", False),
    ),
    weight=3,
    picks={
        "destination": ("UK", "Schengen", "USA", "Canada", "Australia"),
        "visa_type": ("Tourist", "Business", "Student"),
    },
    scenarios=(
        Scenario(
            team=2,
            issue="Visa status",
            opening=("status of my {destination} visa application", "visa not received yet"),
            bot_flow=(
                ("bot", "Please share your passport number."),
                ("user", ("{passport_number}", "passport no {passport_number}")),
                (
                    "bot",
                    "Your {visa_type} visa application for {destination} was submitted on "
                    "{past_date} and is being processed.",
                ),
            ),
            resolution=(
                ("user", ("how many days more", "ok")),
                ("bot", "Most applications are decided within 15 working days."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} here. The embassy needs a bank statement "
                    "showing at least {amount}. Please also confirm your date of birth.",
                ),
                ("user", "{date_of_birth}"),
                (
                    "agent",
                    "Thanks. Please email the statement to visa@travelgo.example quoting {ticket}.",
                ),
            ),
        ),
        Scenario(
            team=2,
            issue="Appointment",
            opening=("need visa appointment slot", "biometrics appointment reschedule"),
            bot_flow=(
                ("bot", "The next biometrics slot in {city} is on {due_date}."),
                ("user", ("is there anything earlier?", "anything next week?")),
                ("bot", "That is the earliest slot I can see."),
            ),
            resolution=(
                ("user", ("ok book it", "fine, book")),
                ("bot", "Booked. The appointment letter is sent to your registered email."),
            ),
            agent_flow=(
                (
                    "agent",
                    "Hi {first_name}, {agent_first} here. I've booked {due_date}. Which address "
                    "should the passport be couriered to?",
                ),
                ("user", "{address}"),
                ("agent", "Noted, the passport will be couriered to {address}."),
            ),
        ),
    ),
    breaks=(
        ("visa appointment slot", 4),
        ("passport not returned", 3),
        ("visa rejected reapply", 2),
        ("documents checklist", 2),
    ),
    follow_ups=(
        ("what documents do I need", "Passport, photos, bank statements and the cover letter."),
        ("is there an express service", "Yes, priority processing is available for {amount}."),
        ("can I track the passport courier", "Yes, the tracking link is sent by SMS."),
        ("how many photos are needed", "Two recent photos, 35 x 45 mm, white background."),
        ("can my spouse apply together", "Yes, family applications can be filed together."),
        ("what are the visa fees", "The visa fee is {amount} plus the service charge."),
        ("can I get updates on WhatsApp", "Yes, updates are sent to {phone} on WhatsApp."),
    ),
)

BUSINESSES = (
    DemoBusiness(
        slug="acme-bank",
        name="Acme Bank",
        timezone="Asia/Kolkata",
        prefix="acme",
        teams=(
            ("cards", "Cards & Payments"),
            ("accounts", "Accounts & Loans"),
            ("insurance", "Insurance"),
        ),
        bots=(ACME_ASSIST, ACME_INSURE),
        share=45,
        channels=(("web", 30), ("whatsapp", 35), ("android", 20), ("ios", 15)),
        us_users=0.0,
        currency="INR",
        amounts=(500, 250_000),
    ),
    DemoBusiness(
        slug="shopkart",
        name="ShopKart",
        timezone="Europe/London",
        prefix="shopkart",
        teams=(
            ("orders", "Orders & Delivery"),
            ("returns", "Returns & Refunds"),
            ("payments", "Payments"),
        ),
        bots=(KARTBOT,),
        share=35,
        channels=(("web", 25), ("whatsapp", 20), ("android", 35), ("ios", 20)),
        us_users=0.0,
        currency="INR",
        amounts=(199, 49_999),
    ),
    DemoBusiness(
        slug="travelgo",
        name="TravelGo",
        timezone="America/New_York",
        prefix="travelgo",
        teams=(("flights", "Flights"), ("hotels", "Hotels & Holidays"), ("visa", "Visa Services")),
        bots=(TRIP_GENIE, VISA_DESK),
        share=20,
        channels=(("web", 45), ("whatsapp", 15), ("android", 20), ("ios", 20)),
        us_users=0.4,
        currency="USD",
        amounts=(40, 3_000),
    ),
)

# '#' marks a digit; every number is written in several ways, as people type them.
PHONE_PATTERNS = {
    "en_IN": (
        "+91 ##### #####",
        "+91##########",
        "##########",
        "#####-#####",
        "+91-#####-#####",
        "0##### #####",
        "+91 ### ### ####",
    ),
    "en_US": ("+1 ###-###-####", "(###) ###-####", "###.###.####", "+1##########"),
}
CARD_BINS = (("4", 16), ("52", 16), ("55", 16), ("6521", 16), ("6082", 16), ("37", 15))
CARD_PATTERNS = (
    "#### #### #### ####",
    "####-####-####-####",
    "################",
    "#### ###### #####",
    "###############",
)
AADHAAR_PATTERNS = ("#### #### ####", "############", "####-####-####")
ORDER_ID_PATTERNS = ("################", "#### #### #### ####")
# Seconds between a message and the one before it, by the sender of the later one.
GAPS = {"user": (5, 75), "bot": (1, 3), "system": (1, 5), "agent": (15, 120)}
QUEUE_WAIT = (40, 400)  # from the hand-over to the agent's first message
DATE_FORMATS = ("%d/%m/%Y", "{day} %b", "%b {day}", "%Y-%m-%d", "%d-%m-%Y")


def shape_digits(pattern: str, digits: str) -> str:
    """Lay `digits` into the '#' slots of `pattern`: ('#### ####', '12345678') -> '1234 5678'."""
    remaining = iter(digits)
    return "".join(next(remaining) if char == "#" else char for char in pattern)


def _indian_grouping(number: int) -> str:
    """1234567 -> '12,34,567': lakh and crore commas, as Indian amounts are written."""
    return re.sub(r"(\d)(?=(\d\d)+\d$)", r"\1,", str(number))


def _business(slug: str) -> DemoBusiness:
    return next(business for business in BUSINESSES if business.slug == slug)


def _sees(business: DemoBusiness, seat: Seat) -> str:
    team_names = ", ".join(business.teams[index][1] for index in seat.leads)
    view = ROLE_VIEWS[seat.role].format(teams=team_names)
    if seat.role == "analyst":
        pii = "PII masked despite the permission" if seat.view_personal_details else "PII masked"
    else:
        pii = "PII visible" if seat.view_personal_details else "PII masked"
    return f"{view}; {pii}"


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, business slug(s), what that login sees) for every demo login."""
    rows = [
        (f"{business.prefix}_{suffix}", business.slug, _sees(business, seat))
        for business in BUSINESSES
        for suffix, seat in STAFF_LAYOUT
    ]
    for username, seats in MULTI_BUSINESS_STAFF:
        slugs = ", ".join(slug for slug, _ in seats)
        sees = " | ".join(f"{slug}: {_sees(_business(slug), seat)}" for slug, seat in seats)
        rows.append((username, slugs, sees))
    return rows


def demo_records(
    seed: int = 1,
    today: datetime.date | None = None,
    conversations: int = 300,
    *,
    per_user: dict[int, float] | None = None,
    marathons: tuple[int, ...] = (),
) -> Iterator[dict]:
    """Demo records in import order: every record refers only to records before it.

    For bigger data sets (the benchmarks): `per_user` replaces CONVERSATIONS_PER_USER, to give
    some end users many more conversations, and `marathons` turns one conversation per number
    given into a hand-over of about that many messages. Left out, the records are the same.
    """
    today = today or datetime.datetime.now(datetime.UTC).date()
    builder = _Builder(seed, today, per_user or CONVERSATIONS_PER_USER)
    return builder.records(conversations, marathons)


# ---------------------------------------------------------------------------------------------
# Generation


@dataclass
class _EndUser:
    id: str
    locale: str
    name: str
    first_name: str
    email: str
    shares_email: bool  # whether the platform knows the email, or it only appears in chats
    phone_digits: str  # national number; written differently in the record and in chats
    cards: tuple[str, ...]
    details: dict[str, str]  # personal entity values, city and language


@dataclass
class _Message:
    sender: str
    text: str
    bot_break: bool = False
    agent: str | None = None
    at: datetime.datetime | None = None  # UTC, set once the whole transcript is known
    element: dict = field(default_factory=dict)  # a rich element's fields (format v2)
    private: bool = False


@dataclass
class _Csat:
    rating: int
    review: str | None
    at: datetime.datetime


@dataclass
class _Chat:
    id: str
    business: DemoBusiness
    bot: DemoBot
    user: _EndUser
    channel: str
    sends_user_details: bool
    attributes: dict[str, str] = field(default_factory=dict)
    messages: list[_Message] = field(default_factory=list)
    agent: str | None = None
    team: str | None = None
    ended_at: datetime.datetime | None = None
    csat: _Csat | None = None


class _Transcript:
    """Collects one conversation's messages, knowing whether the bot or an agent answers."""

    def __init__(self, builder: "_Builder", bot: DemoBot, context: dict[str, str]):
        self.builder = builder
        self.bot = bot
        self.context = context
        self.messages: list[_Message] = []
        self.agent: str | None = None
        self.breaks = 0

    def say(self, sender: str, options: Options, *, bot_break: bool = False) -> None:
        text = self.builder.fill(options, self.context)
        agent = self.agent if sender == "agent" else None
        self.messages.append(_Message(sender, text, bot_break, agent))

    def user(self, options: Options) -> None:
        # While the bot answers, some users first type something it cannot parse.
        if self.agent is None and self.builder.rng.random() < BREAK_RATE:
            breaks, weights = zip(*self.bot.breaks, strict=True)
            self.say("user", self.builder.rng.choices(breaks, weights)[0], bot_break=True)
            self.say("bot", BOT_FALLBACKS)
            self.breaks += 1
        self.say("user", options)

    def play(self, turns: Turns) -> None:
        for sender, options in turns:
            if sender == "user":
                self.user(options)
            else:
                self.say(sender, options)

    def exchange(self, question: str, answer: str) -> None:
        self.user(question)
        self.say("bot" if self.agent is None else "agent", answer)

    def hand_over(self, agent: str) -> None:
        self.say("bot", HANDOFF_LINES)
        self.say("system", TRANSFER)
        self.agent = agent


MENU = ("Card help", "Payments", "Talk to an agent")
DEMO_FILES = "https://files.example.com"
# One of each other element, a bot or a user would send; {…} are filled from the chat.
RICH_ELEMENTS = (
    (
        "bot",
        "Here are cards you may like",
        {
            "type": "carousel",
            "cards": [
                {
                    "title": "Platinum card for {first_name}",
                    "subtitle": "No annual fee the first year",
                    "image": f"{DEMO_FILES}/cards/platinum.png",
                    "buttons": [{"label": "Apply", "url": "https://www.example.com/apply"}],
                },
                {
                    "title": "Travel card",
                    "subtitle": "Lounge access, 2x points abroad",
                    "image": f"{DEMO_FILES}/cards/travel.png",
                },
            ],
        },
    ),
    (
        "bot",
        "Anything else?",
        {
            "type": "buttons",
            "buttons": [
                {"label": "Call me on {phone}"},
                {"label": "Open the help centre", "url": "https://www.example.com/help"},
            ],
        },
    ),
    (
        "user",
        "Photo of my card",
        {
            "type": "image",
            "attachments": [
                {
                    "name": "card-{card_last4}.jpg",
                    "media_type": "image/jpeg",
                    "size": 184_320,
                    "url": f"{DEMO_FILES}/uploads/card-{{card_last4}}.jpg",
                }
            ],
        },
    ),
    (
        "bot",
        "Your statement",
        {
            "type": "file",
            "attachments": [
                {
                    "name": "statement {first_name}.pdf",
                    "media_type": "application/pdf",
                    "size": 1_240_000,
                    "url": f"{DEMO_FILES}/statements/{{card_last4}}.pdf",
                }
            ],
        },
    ),
    (
        "user",
        "Voice note",
        {
            "type": "audio",
            "attachments": [
                {
                    "name": "voice-note.ogg",
                    "media_type": "audio/ogg",
                    "size": 64_000,
                    "url": f"{DEMO_FILES}/uploads/voice.ogg",
                }
            ],
        },
    ),
    (
        "bot",
        "How to block a card",
        {
            "type": "video",
            "attachments": [
                {
                    "name": "block-a-card.mp4",
                    "media_type": "video/mp4",
                    "size": 8_400_000,
                    "url": f"{DEMO_FILES}/videos/block-a-card.mp4",
                }
            ],
        },
    ),
    (
        "user",
        "I am here",
        {
            "type": "location",
            "location": {"latitude": 19.0760, "longitude": 72.8777, "name": "{name}'s office"},
        },
    ),
    (
        "bot",
        "Your nearest branch",
        {
            "type": "location",
            "location": {"latitude": 18.5308, "longitude": 73.8475, "name": "Shivajinagar branch"},
        },
    ),
    (
        "user",
        "Callback request",
        {
            "type": "form",
            "fields": [
                {"label": "Name", "value": "{name}"},
                {"label": "Phone", "value": "{phone}"},
                {"label": "Best time", "value": "after 6 pm"},
            ],
        },
    ),
)


def filled(value, context):
    """`value` (a rich element) with every string filled from the chat's context."""
    if isinstance(value, str):
        return value.format_map(context)
    if isinstance(value, dict):
        return {key: filled(item, context) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, context) for item in value]
    return value


def enrich(transcript: "_Transcript", chat_id: str) -> None:
    """Rich elements in a transcript, as a widget would show them: the greeting's menu and the
    user's pick, an agent's private note after a hand-over, and one other element. Chosen by
    a generator of the chat's own, so the rest of the demo data stays as it was."""
    rng = random.Random(chat_id)
    messages, context = transcript.messages, transcript.context
    greeting = next((m for m in messages if m.sender == "bot"), None)
    if greeting is not None:
        at = messages.index(greeting) + 1
        greeting.element = {"type": "quick_replies", "options": list(MENU)}
        pick = rng.choice(MENU)
        messages.insert(at, _Message("user", pick, element={"picked": pick}))
    handed_over = next((i for i, m in enumerate(messages) if m.sender == "system"), None)
    if handed_over is not None and transcript.agent:
        note = "Checked {first_name}'s last three transactions; card {card} looks cloned."
        messages.insert(
            handed_over + 1,
            _Message("agent", note.format_map(context), agent=transcript.agent, private=True),
        )
    sender, text, element = rng.choice(RICH_ELEMENTS)
    agent = None
    if sender == "bot" and transcript.agent:
        sender, agent = "agent", transcript.agent  # once an agent has taken over, they answer
    messages.insert(
        len(messages) - 1, _Message(sender, text, agent=agent, element=filled(element, context))
    )


class _Builder:
    def __init__(self, seed: int, today: datetime.date, per_user: dict[int, float]):
        self.rng = random.Random(seed)
        self.per_user = per_user
        self.fake = Faker(["en_IN", "en_US"])
        self.fake.seed_instance(seed)
        self.days = [today - datetime.timedelta(days=offset) for offset in range(1, DAYS + 1)]
        # Fewer people chat at weekends.
        self.day_weights = [1 if day.weekday() < 5 else 0.4 for day in self.days]
        self.agent_names: dict[str, str] = {}  # username -> display name used in chats

    # Small helpers

    def fill(self, options: Options, context: dict[str, str]) -> str:
        template = options if isinstance(options, str) else self.rng.choice(options)
        return template.format_map(context)

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def weighted(self, pairs: tuple[tuple[T, int], ...]) -> T:
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    # Numbers that must be masked, and look-alikes that must not

    def card(self) -> str:
        prefix, length = self.rng.choice(CARD_BINS)
        payload = prefix + self.digits(length - len(prefix) - 1)
        return payload + str(luhn_check_digit(payload))

    def aadhaar(self) -> str:
        payload = self.rng.choice("23456789") + self.digits(10)
        return payload + str(verhoeff_check_digit(payload))

    def pan(self, surname: str) -> str:
        # The 4th letter P marks an individual's PAN, the 5th is the initial of the surname.
        initial = surname[0].upper() if surname[0].upper() in PAN_LETTERS else "K"
        return (
            "".join(self.rng.choices(PAN_LETTERS, k=3))
            + "P"
            + initial
            + self.digits(4)
            + self.rng.choice(PAN_LETTERS)
        )

    def luhn_invalid(self, payload: str) -> str:
        """`payload` plus a wrong check digit: a long number that is no card number."""
        return payload + str((luhn_check_digit(payload) + self.rng.randint(1, 9)) % 10)

    def order_id(self) -> str:
        payload = self.rng.choice("123456789") + self.digits(14)
        return shape_digits(self.rng.choice(ORDER_ID_PATTERNS), self.luhn_invalid(payload))

    def utr(self) -> str:
        payload = self.rng.choice("3456") + self.digits(10)
        return payload + str((verhoeff_check_digit(payload) + self.rng.randint(1, 9)) % 10)

    def amount(self, business: DemoBusiness) -> str:
        value = self.rng.randint(*business.amounts)
        if business.currency == "USD":
            return self.rng.choice((f"${value:,}.{self.rng.randint(0, 99):02d}", f"USD {value:,}"))
        style = self.rng.choice(("Rs. {}", "₹{}", "INR {}.00", "Rs {}/-"))
        return style.format(_indian_grouping(value))

    def date_text(self, day: datetime.date) -> str:
        return day.strftime(self.rng.choice(DATE_FORMATS).format(day=day.day))

    # The demo world

    def records(self, conversations: int, marathons: tuple[int, ...]) -> Iterator[dict]:
        yield from self.setup_records()
        seen_users: set[tuple[str, str]] = set()
        for chat in self.chats(conversations, marathons):
            key = (chat.business.slug, chat.user.id)
            yield self.conversation_record(chat, first_time=key not in seen_users)
            seen_users.add(key)

    def setup_records(self) -> Iterator[dict]:
        has_password: set[str] = set()

        def staff(username: str, business: DemoBusiness, seat: Seat) -> dict:
            record = {"type": "staff", "username": username}
            if username not in has_password:
                record["password"] = DEMO_PASSWORD
                has_password.add(username)
            return record | {
                "email": f"{username}@{business.slug}.example",
                "business": business.slug,
                "roles": [seat.role],
                "teams": [business.teams[index][0] for index in seat.teams],
                "leads": [business.teams[index][0] for index in seat.leads],
                "view_personal_details": seat.view_personal_details,
            }

        for business in BUSINESSES:
            yield {
                "type": "business",
                "slug": business.slug,
                "name": business.name,
                "timezone": business.timezone,
            }
            for bot in business.bots:
                yield {
                    "type": "bot",
                    "business": business.slug,
                    "slug": bot.slug,
                    "name": bot.name,
                    "entities": [{"name": n, "personal": p} for n, p in bot.entities],
                }
            for slug, name in business.teams:
                yield {"type": "team", "business": business.slug, "slug": slug, "name": name}
            for suffix, seat in STAFF_LAYOUT:
                username = f"{business.prefix}_{suffix}"
                if seat.role == "agent":
                    self.agent_names[username] = self.person_name(business)[0]
                yield staff(username, business, seat)
            for username, seats in MULTI_BUSINESS_STAFF:
                for slug, seat in seats:
                    if slug == business.slug:
                        yield staff(username, business, seat)

    def person_name(self, business: DemoBusiness) -> tuple[str, str, str]:
        """(full name, first name, locale) of someone at home where `business` works."""
        locale = "en_US" if self.rng.random() < business.us_users else "en_IN"
        first, last = self.fake[locale].first_name(), self.fake[locale].last_name()
        return f"{first} {last}", first, locale

    def end_user(self, business: DemoBusiness, number: int) -> _EndUser:
        name, first, locale = self.person_name(business)
        fake = self.fake[locale]
        last = name.split()[-1]
        local_part = self.rng.choice(
            (f"{first}.{last}", f"{first}{last}{self.rng.randint(1, 99)}", f"{first[0]}{last}")
        )
        email = re.sub(r"[^a-z0-9.]", "", local_part.lower()) + "@" + self.rng.choice(EMAIL_DOMAINS)
        if locale == "en_IN":
            phone = self.rng.choice("6789") + self.digits(9)
        else:  # 555-01xx numbers are reserved for fiction
            phone = self.rng.choice(("212", "646", "917", "201")) + "55501" + self.digits(2)
        city = self.rng.choice(CITIES[locale])
        street = fake.street_address().replace("\n", ", ")
        born = datetime.date(1955, 1, 1) + datetime.timedelta(days=self.rng.randrange(48 * 365))
        details = {
            "pan": self.pan(last),
            "aadhaar": self.aadhaar(),
            # Masked as a personal entity; failing Luhn keeps it from passing for a card.
            "account_number": self.luhn_invalid("5010" + self.digits(9)),
            "date_of_birth": born.strftime("%d/%m/%Y"),
            "address": f"{street}, {city} {fake.postcode()}",
            "policy_number": f"AC/{self.rng.randint(2018, 2025)}/{self.digits(7)}",
            "upi_id": f"{first.lower()}{self.rng.randint(1, 99)}@ok"
            + self.rng.choice(("axis", "hdfcbank", "icici", "sbi")),
            "passport_number": self.rng.choice("JKLMNPRSTUVWZ") + self.digits(7),
            "frequent_flyer_number": "TG" + self.digits(9),
            "city": city,
            "language": self.rng.choice(LANGUAGES[locale]),
        }
        return _EndUser(
            id=f"u-{number:05d}",
            locale=locale,
            name=name,
            first_name=first,
            email=email,
            shares_email=self.rng.random() < 0.9,
            phone_digits=phone,
            cards=(self.card(), self.card()),
            details=details,
        )

    def user_pool(self, business: DemoBusiness, conversations: int) -> list[_EndUser]:
        """One entry per conversation: a few users come back often, most once or twice."""
        slots: list[_EndUser] = []
        counts, weights = zip(*self.per_user.items(), strict=True)
        users = 0
        while len(slots) < conversations:
            users += 1
            slots += [self.end_user(business, users)] * self.rng.choices(counts, weights)[0]
        return slots[:conversations]

    def chats(self, conversations: int, marathons: tuple[int, ...]) -> list[_Chat]:
        total_share = sum(business.share for business in BUSINESSES)
        counts = [conversations * business.share // total_share for business in BUSINESSES]
        counts[0] += conversations - sum(counts)  # the rounding remainder
        plans = [
            (business, user)
            for business, count in zip(BUSINESSES, counts, strict=True)
            for user in self.user_pool(business, count)
        ]
        self.rng.shuffle(plans)
        long_ones = set(
            self.rng.sample(range(len(plans)), len(plans) // CONVERSATIONS_PER_LONG_CHAT)
        )
        # Sampling none draws no random number, so the records stay the same without them.
        lengths = dict(
            zip(self.rng.sample(range(len(plans)), len(marathons)), marathons, strict=True)
        )
        chats = []
        numbers = Counter()
        for index, (business, user) in enumerate(plans):
            # Numbered before sorting by time: the time depends on `today`, the number must
            # not, or seeding on another day would merge different chats under one id.
            numbers[business.slug] += 1
            chats.append(
                self.chat(
                    business,
                    user,
                    numbers[business.slug],
                    long=index in long_ones or index in lengths,
                    length=lengths.get(index),
                )
            )
        # Imported in time order, as a platform back-fills its history.
        chats.sort(key=lambda chat: chat.messages[0].at)
        return chats

    def pick_agent(self, business: DemoBusiness, team: int) -> str:
        return self.weighted(
            tuple(
                (f"{business.prefix}_{suffix}", MAIN_AGENT_WEIGHT.get(suffix, 1))
                for suffix, seat in STAFF_LAYOUT
                if seat.role == "agent" and team in seat.teams
            )
        )

    def context(
        self, chat: _Chat, scenario: Scenario, agent: str, day: datetime.date
    ) -> dict[str, str]:
        """Every value that a template of the chat's bot may mention."""
        business, user = chat.business, chat.user
        card = self.rng.choice(user.cards)
        card_pattern = self.rng.choice([p for p in CARD_PATTERNS if p.count("#") == len(card)])
        agent_name = self.agent_names[agent]
        return {
            **user.details,
            **{name: self.rng.choice(values) for name, values in chat.bot.picks.items()},
            "issue_type": scenario.issue,
            "name": user.name,
            "first_name": user.first_name,
            "email": user.email,
            "phone": shape_digits(self.rng.choice(PHONE_PATTERNS[user.locale]), user.phone_digits),
            "card": shape_digits(card_pattern, card),
            "card_last4": card[-4:],
            "aadhaar": shape_digits(self.rng.choice(AADHAAR_PATTERNS), user.details["aadhaar"]),
            "order_id": self.order_id(),
            "utr": self.utr(),
            "ticket": f"SR{self.digits(8)}",
            "claim_no": f"CLM{self.digits(7)}",
            "pnr": "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6)),
            "amount": self.amount(business),
            "outstanding": self.amount(business),
            "due_date": self.date_text(day + datetime.timedelta(days=self.rng.randint(2, 12))),
            "past_date": self.date_text(day - datetime.timedelta(days=self.rng.randint(2, 20))),
            "agent_name": agent_name,
            "agent_first": agent_name.split()[0],
        }

    def chat(
        self,
        business: DemoBusiness,
        user: _EndUser,
        number: int,
        *,
        long: bool,
        length: int | None = None,
    ) -> _Chat:
        bot = self.weighted(tuple((bot, bot.weight) for bot in business.bots))
        chat = _Chat(
            f"c-{number:05d}",
            business,
            bot,
            user,
            channel=self.weighted(business.channels),
            # Platforms send the user's details the first time and usually, not always, later.
            sends_user_details=self.rng.random() < 0.7,
        )
        scenario = self.rng.choice(bot.scenarios)
        day = self.rng.choices(self.days, self.day_weights)[0]
        agent = self.pick_agent(business, scenario.team)
        context = self.context(chat, scenario, agent, day)
        chat.attributes = {name: context[name] for name, _ in bot.entities}

        transcript = _Transcript(self, bot, context)
        if self.rng.random() < 0.4:
            transcript.say("user", USER_HELLOS)
        transcript.say("bot", bot.greeting)
        transcript.user(scenario.opening)
        transcript.play(scenario.bot_flow)
        abandoned = not long and self.rng.random() < ABANDONED_RATE
        if abandoned:
            del transcript.messages[self.rng.randint(3, 5) :]
        else:
            # After failing to understand twice, the bot gives up and hands over by itself.
            if long or transcript.breaks >= 2 or self.rng.random() < HANDOVER_RATE:
                transcript.hand_over(agent)
                transcript.play(scenario.agent_flow)
                chat.agent, chat.team = agent, business.teams[scenario.team][0]
            else:
                transcript.play(scenario.resolution)
            if length:
                target = length
            elif long:
                target = self.rng.randint(140, 160)
            else:
                target = round(self.rng.triangular(6, 40, 12))
            # Each question once, in random order; only marathons come back to the same ones.
            follow_ups = itertools.cycle(self.rng.sample(bot.follow_ups, len(bot.follow_ups)))
            while len(transcript.messages) < target - 2:
                transcript.exchange(*next(follow_ups))
            transcript.exchange(*self.rng.choice(CLOSINGS))
            if chat.agent:
                transcript.say("system", CLOSED)
        enrich(transcript, f"{business.slug}/{chat.id}")
        chat.messages = transcript.messages

        local_start = datetime.datetime.combine(
            day,
            datetime.time(
                self.rng.randint(*OPENING_HOURS), self.rng.randrange(60), self.rng.randrange(60)
            ),
            tzinfo=ZoneInfo(business.timezone),
        )
        self.timestamp(chat.messages, local_start.astimezone(datetime.UTC))
        if self.rng.random() < 0.95:  # the platform did not report the end of a few chats
            chat.ended_at = chat.messages[-1].at + self.seconds(5, 120)
            if not abandoned and self.rng.random() < CSAT_RATE:
                chat.csat = self.csat(chat, context)
        return chat

    def seconds(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.rng.randint(low, high))

    def timestamp(self, messages: list[_Message], start: datetime.datetime) -> None:
        """Space the messages out: people type slowly, bots answer at once, agents queue."""
        at = start
        for index, message in enumerate(messages):
            if index:
                queued = message.sender == "agent" and messages[index - 1].sender == "system"
                at += self.seconds(*(QUEUE_WAIT if queued else GAPS[message.sender]))
            message.at = at

    def csat(self, chat: _Chat, context: dict[str, str]) -> _Csat:
        rating = self.rng.choices(range(1, 6), RATING_WEIGHTS)[0]
        review = None
        if self.rng.random() < REVIEW_RATE:
            mood = "positive" if rating >= 4 else "neutral" if rating == 3 else "negative"
            review = self.fill(REVIEWS[mood] + (AGENT_REVIEWS[mood] if chat.agent else ()), context)
        return _Csat(rating, review, chat.ended_at + self.seconds(10, 1800))

    def conversation_record(self, chat: _Chat, *, first_time: bool) -> dict:
        tz = ZoneInfo(chat.business.timezone)

        def iso(moment: datetime.datetime) -> str:
            return moment.astimezone(tz).isoformat(timespec="seconds")

        user: dict = {"id": chat.user.id}
        # A bare id must leave what is already known about the user untouched.
        if first_time or chat.sends_user_details:
            user["name"] = chat.user.name
            if chat.user.shares_email:
                user["email"] = chat.user.email
            user["phone"] = shape_digits(
                PHONE_PATTERNS[chat.user.locale][0], chat.user.phone_digits
            )
            user["attributes"] = chat.attributes
        record = {
            "type": "conversation",
            "id": chat.id,
            "business": chat.business.slug,
            "bot": chat.bot.slug,
            "channel": chat.channel,
            "user": user,
            "started_at": iso(chat.messages[0].at),
        }
        if chat.ended_at:
            record["ended_at"] = iso(chat.ended_at)
            record["status"] = "closed"
            record["close_reason"] = "resolved by an agent" if chat.agent else "resolved by the bot"
        else:
            record["status"] = "with_agent" if chat.agent else "bot"
        if chat.agent:
            record["agent"] = chat.agent
            record["team"] = chat.team
        if chat.csat:
            record["csat"] = {"rating": chat.csat.rating}
            if chat.csat.review:
                record["csat"]["review"] = chat.csat.review
            record["csat"]["at"] = iso(chat.csat.at)
        record["messages"] = [
            {"id": f"m{index}", "at": iso(message.at), "sender": message.sender}
            | ({"agent": message.agent} if message.agent else {})
            | {"text": message.text}
            | message.element
            | ({"private": True} if message.private else {})
            | ({"bot_break": True} if message.bot_break else {})
            for index, message in enumerate(chat.messages, start=1)
        ]
        return record
