"""The table of topic messages: the topics page's list of one topic's messages, and its CSV."""

from analytics.tables import Cell, Column, RowContext, Table, plain
from topics.jobs import Freshness
from topics.report import topic_title

NOT_IN_A_TOPIC = "Not in any topic"


class TopicRowContext(RowContext):
    """Rows of topic members: their topic's title as the topics page shows it."""

    def __init__(self, request, viewer, freshness: Freshness):
        super().__init__(request, viewer)
        self.freshness = freshness

    def topic(self, member):
        if member.topic is None:
            return Cell(NOT_IN_A_TOPIC)
        return Cell(topic_title(member.topic, self.freshness.masking_changed(member.topic.run)))


# Rows are TopicMembers with topic__run, message__conversation__end_user and message__bot.
TOPIC_MESSAGES = Table(
    "topic-messages",
    (
        Column("topic", "Topic", lambda m, ctx: ctx.topic(m)),
        Column(
            "conversation",
            "Conversation ID",
            lambda m, ctx: ctx.conversation_id(m.message.conversation),
        ),
        Column("message", "Message ID", lambda m, ctx: plain(m.message_id)),
        Column("text", "Masked text", lambda m, ctx: ctx.message(m.message)),
        Column("sent_at", "Created At", lambda m, ctx: ctx.moment(m.message.sent_at)),
        Column("bot", "Bot", lambda m, ctx: ctx.label(m.message.bot.name)),
        Column(
            "chat_link",
            "Chat Link",
            lambda m, ctx: ctx.chat_link(m.message.conversation, {"m": m.message_id}),
        ),
    ),
)
