"""The quality and cost of bot-break topics (analytics/topics.py): `python -m bench.topics`."""
