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
from typing import Any, TypeVar, cast

from django.db import connection
from django.db.models import DateTimeField, Field, JSONField, Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from psycopg import Copy

BATCH_SIZE = 1000  # rows per INSERT, where the database has no COPY

M = TypeVar("M", bound=Model)


def maker(model: type[M], names: Sequence[str]) -> Callable[..., M]:
    """A function that makes an unsaved `model` from the values of the fields `names` (their
    attnames), given in that order: exactly what `model(**dict(zip(names, values)))` makes,
    each other field at its default (a callable one called for each instance), in a fifth of
    the time, for the objects that an import makes by the million. Model.__init__ looks every
    field up among its keyword arguments and sends pre_init and post_init; without receivers
    of those the values go into the instance as it would store them, as long as setting a
    field of a new object only stores its value (the descriptors of plain fields and foreign
    keys); otherwise, or once any receiver connects, the model makes them itself."""
    names = tuple(names)
    fields = model._meta.concrete_fields
    if (
        {field.attname for field in fields}.issuperset(names)
        and len(set(names)) == len(names)
        and all(_stores_plainly(model, field.attname) for field in fields)
    ):
        # Model.__init__'s order of attributes: its state, then the fields in order. The
        # fields given take their places among them when the template is overwritten.
        template = dict.fromkeys(["_state", *(field.attname for field in fields)])
        defaulted = [(field.attname, field) for field in fields if field.attname not in names]

        def make(*values: Any) -> M:
            if pre_init.receivers or post_init.receivers:
                return model(**dict(zip(names, values, strict=True)))
            obj = model.__new__(model)
            attrs = obj.__dict__
            attrs.update(template)
            attrs["_state"] = ModelState()
            for attname, field in defaulted:
                attrs[attname] = field.get_default()
            attrs.update(zip(names, values, strict=True))
            return obj

        return make
    return lambda *values: model(**dict(zip(names, values, strict=True)))


def _stores_plainly(model: type[Model], attname: str) -> bool:
    """Whether setting `attname` on a new `model` just stores the value in the instance."""
    return type(getattr(model, attname, None)) in (DeferredAttribute, ForeignKeyDeferredAttribute)


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
    row_of = _row_maker(fields)
    ids = iter(reserve_ids(model, count))
    alias = connection.alias
    with _copy(model._meta.db_table, [field.column for field in fields]) as copy:

        def add(obj: Model) -> None:
            obj.pk = next(ids, None)
            if obj.pk is None:
                _more_than_counted(obj)
            copy.write_row(row_of(obj))
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


def reserve_ids(model: type[Model], count: int) -> Sequence[int]:
    """`count` new primary keys of `model`'s table, from its sequence (PostgreSQL), in the
    order the sequence gave them. They come back as one row: the first and the last when they
    are all the numbers in between (as they are unless another session takes keys of the
    table meanwhile), else all of them; thousands of rows cost more to read than to take."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(pk), max(pk), CASE WHEN max(pk) - min(pk) + 1 = count(*) THEN NULL "
            "ELSE array_agg(pk ORDER BY taken) END "
            "FROM (SELECT nextval(%s) AS pk, taken FROM generate_series(1, %s) AS taken) AS ids",
            [_sequence(model, cursor), count],
        )
        first, last, scattered = cursor.fetchone()
        if scattered is not None:
            return list(scattered)
        return range(first, last + 1) if count else []


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


def _row_maker(fields: Sequence[Field]) -> Callable[[Model], Sequence[Any]]:
    """The values of `fields` of an object as COPY takes them (see `_adapter`): all read at
    once, and only those that need it adapted."""
    names = [field.attname for field in fields]
    # attrgetter of one name gives the value itself, not a tuple of one.
    read = operator.attrgetter(*names) if len(names) > 1 else lambda obj: [getattr(obj, *names)]
    adapted = [
        (index, adapter)
        for index, adapter in enumerate(_adapter(field) for field in fields)
        if adapter is not None
    ]

    def row_of(obj: Model) -> Sequence[Any]:
        row = list(read(obj))
        for index, adapter in adapted:
            row[index] = adapter(obj)
        return row

    return row_of


def _adapter(field: Field) -> Adapter | None:
    """How the value of `field` is made one COPY takes, as bulk_create would prepare it:
    JSON wrapped to be written as JSON; a date filled in (auto_now) or given without a time
    zone, prepared in full. Any other value (None: no adapter) goes to psycopg as it is,
    which writes it as Django would; preparing every value in full would cost more than the
    COPY itself."""
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
    return None


def _json_text(value: Any, encoder: type[json.JSONEncoder] | None) -> str | None:
    if value is None:
        return None
    if value == {} and encoder is None:
        return "{}"  # most messages' data and its masked copy: a plain text has no element
    return json.dumps(value, cls=encoder)


def _aware(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
        return value
    return None
