"""Exact percentiles in the database: PostgreSQL's PERCENTILE_CONT, and the same on SQLite.

A report groups rows by agent, team, bot or channel and asks for the median and 90th percentile
of their times in the same query as their counts, so the rows are read once, by the database,
and never reach Python. SQLite has no such aggregate: `register_on_sqlite` adds one that gives
the same numbers (linear interpolation between the two nearest values, as PERCENTILE_CONT).
"""

import math

from django.db.models import Aggregate, FloatField


def interpolated(ordered, fraction):
    """The `fraction` percentile of `ordered` values, as PERCENTILE_CONT computes it."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Percentile(Aggregate):
    """The `fraction` (0 to 1) percentile of a column's values, NULLs left out."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        # A number of this module's, never a user's: written into the SQL as it is.
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="%(function)s(%(expressions)s, %(fraction)s)"
        )


class _SqlitePercentile:
    def __init__(self):
        self.values = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return interpolated(sorted(self.values), self.fraction)


def register_on_sqlite(sender, connection, **kwargs):
    """connection_created: give a new SQLite connection the PERCENTILE_CONT aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("PERCENTILE_CONT", 2, _SqlitePercentile)
