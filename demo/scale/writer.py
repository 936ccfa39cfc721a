"""Bulk writes for the scale data: PostgreSQL COPY when available, batched INSERTs otherwise.

Rows come as tuples in the order of ``fields`` and carry their own primary keys, reserved up front
with :func:`reserve_ids`, so related rows can point at them without a round trip.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection
from django.db.models import Max, Model

BATCH_SIZE = 2000


def reserve_ids(*, model: type[Model], count: int) -> int:
    """Reserve ``count`` consecutive primary keys of ``model``; returns the first one."""
    table = model._meta.db_table
    if count <= 0:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # One statement: take the next value and move the sequence past the whole block.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, count],
            )
            last = cursor.fetchone()[0]
        return last - count + 1
    highest = model._default_manager.aggregate(highest=Max("pk"))["highest"] or 0
    return highest + 1


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_rows(*, model: type[Model], fields: list[str], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, primary key included); returns the row count."""
    if connection.vendor == "postgresql":
        return _copy(model=model, fields=fields, rows=rows)
    # A plain multi-row INSERT with the fields' own value preparation: unlike ``bulk_create`` it keeps
    # the given ``created_at`` values instead of overwriting them with ``auto_now_add``.
    opts = model._meta
    field_objects = [opts.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in field_objects)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(opts.db_table)
    statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
    count = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, BATCH_SIZE):
            prepared = [
                tuple(
                    field.get_db_prep_save(value, connection) for field, value in zip(field_objects, row, strict=True)
                )
                for row in chunk
            ]
            cursor.executemany(statement, prepared)
            count += len(chunk)
    return count


def _copy(*, model: type[Model], fields: list[str], rows: Iterable[tuple]) -> int:
    opts = model._meta
    columns = ", ".join(connection.ops.quote_name(opts.get_field(name).column) for name in fields)
    statement = f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def analyze(*, models: Iterable[type[Model]]) -> None:
    """Refresh the planner statistics after a bulk load (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
