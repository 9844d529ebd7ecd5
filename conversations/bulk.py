"""Inserting and updating many rows at once, the fastest way the database has.

On PostgreSQL, new rows go to the server with COPY (psycopg's `cursor.copy`), as one stream,
without an INSERT statement to compose, nor parameters to quote, in Python; their primary keys
are taken from the table's sequence beforehand, in one query, so the objects have them after
the insert as they do after `bulk_create`. Changed rows go as one JSON document that the
server reads as rows of the table (`json_populate_recordset`) to UPDATE ... FROM, where Django's
`bulk_update` builds a CASE expression per field and row. Elsewhere (SQLite) they are
`bulk_create` and `bulk_update`.
"""

import datetime
import decimal
import json
import operator
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from django.db import connection
from django.db.models import DateTimeField, Field, JSONField, Model
from psycopg import Copy

BATCH_SIZE = 1000  # rows per INSERT, where the database has no COPY


def insert(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert the unsaved `objs` of `model`; each gets its primary key."""
    with inserting(model, len(objs)) as add:
        for obj in objs:
            add(obj)


@contextmanager
def inserting(model: type[Model], count: int) -> Iterator[Callable[[Model], None]]:
    """Insert `count` unsaved objects of `model`, given one by one to the function yielded, as
    they are made: on PostgreSQL each gets its primary key and goes to the server at once, which
    stores (and indexes) them while the caller makes the next ones. No other query may be made
    meanwhile. Elsewhere they are inserted, and get their keys, at the end."""
    if connection.vendor != "postgresql":
        held: list[Model] = []
        yield held.append
        if held:
            model._default_manager.bulk_create(held, batch_size=BATCH_SIZE)
        return
    if not count:
        yield _more_than_counted
        return
    fields = model._meta.concrete_fields
    adapters = [_adapter(field) for field in fields]
    ids = iter(reserve_ids(model, count))
    alias = connection.alias
    with _copy(model._meta.db_table, [field.column for field in fields]) as copy:

        def add(obj: Model) -> None:
            obj.pk = next(ids, None)
            if obj.pk is None:
                _more_than_counted(obj)
            copy.write_row(tuple(adapt(obj) for adapt in adapters))
            obj._state.adding = False
            obj._state.db = alias

        yield add


def _more_than_counted(obj: Model) -> None:
    raise ValueError(f"more objects to insert than counted: {obj!r}")


def update(model: type[Model], objs: Sequence[Model], field_names: Sequence[str]) -> None:
    """Write the fields `field_names` of the saved `objs` of `model`."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, field_names, batch_size=BATCH_SIZE)
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    # The primary key and the concrete fields named.
    fields: list[Field] = [
        cast(Field, field)
        for field in (model._meta.pk, *(model._meta.get_field(name) for name in field_names))
    ]
    pk = fields[0]
    rows = [{field.column: getattr(obj, field.attname) for field in fields} for obj in objs]
    assignments = ", ".join(f"{quote(f.column)} = changed.{quote(f.column)}" for f in fields[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} "  # noqa: S608 - quoted names
            f"FROM json_populate_recordset(NULL::{table}, %s) AS changed "
            f"WHERE {table}.{quote(pk.column)} = changed.{quote(pk.column)}",
            [as_json(rows)],
        )


def as_json(rows: Any) -> str:
    """Rows as a JSON document for PostgreSQL to read, in one parameter."""
    return json.dumps(rows, default=_json_value)


def _json_value(value: Any) -> str:
    """What JSON has no type for, as PostgreSQL reads it into the column: times in ISO 8601
    (to the microsecond, with their offset), decimals and UUIDs as text."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not written as JSON")


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, from its sequence (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [_sequence(model, cursor), count]
        )
        return [pk for (pk,) in cursor.fetchall()]


def _sequence(model: type[Model], cursor: Any) -> str:
    # Asked once per table: pg_get_serial_sequence() in the query above would run every row.
    table = model._meta.db_table
    if table not in _SEQUENCES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
        _SEQUENCES[table] = cursor.fetchone()[0]
    return _SEQUENCES[table]


_SEQUENCES: dict[str, str] = {}


@contextmanager
def _copy(table: str, columns: Sequence[str]) -> Iterator[Copy]:
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        yield copy


Adapter = Callable[[Model], Any]


def _adapter(field: Field) -> Adapter:
    """How the value of `field` is made one COPY takes, as bulk_create would prepare it:
    JSON wrapped to be written as JSON; a date filled in (auto_now) or given without a time
    zone, prepared in full. Any other value goes to psycopg as it is, which writes it as
    Django would; preparing every value in full would cost more than the COPY itself."""
    attname = field.attname

    def prepared(obj: Model) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    if isinstance(field, JSONField):
        # As text, which the server reads as JSON: psycopg's wrapper would encode it the same,
        # in slower Python. None is SQL's NULL, as Django stores it.
        return lambda obj: _json_text(getattr(obj, attname), field.encoder)
    if isinstance(field, DateTimeField) and not (field.auto_now or field.auto_now_add):
        return lambda obj: _aware(getattr(obj, attname)) or prepared(obj)
    if type(field).pre_save is not Field.pre_save:
        return prepared
    return operator.attrgetter(attname)


def _json_text(value: Any, encoder: type[json.JSONEncoder] | None) -> str | None:
    return None if value is None else json.dumps(value, cls=encoder)


def _aware(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        return value
    return None
