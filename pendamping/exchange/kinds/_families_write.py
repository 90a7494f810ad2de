"""The SQL side of the families import: ids from the table's sequence, COPY/executemany of new rows, and undo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pendamping.exchange.kinds.base import Context, RowInvalid
from pendamping.exchange.models import ImportBatch, ImportedRecord
from pendamping.registry.models import Family
from pendamping.registry.services.families import family_update

Run = Any  # exchange.running.Run, handed in by the engine (the kinds never import the engine)

# What an import may change on an existing family (the NIK is the key; sex and birth date follow from it).
COMPARED = ("nik", "kk_number", "head_name", "address", "rt", "rw", "household_size", "monthly_income", "dtks_id",
            "welfare_decile", "decile_as_of", "status", "desa_id")  # fmt: skip
INSERTED = ("id", "nik", "kk_number", "head_name", "sex", "birth_date", "address", "rt", "rw", "desa_id",
            "regency_id", "household_size", "monthly_income", "dtks_id", "welfare_decile", "decile_as_of",
            "status", "version", "created_at", "updated_at")  # fmt: skip
_NULL = "\\N"  # COPY's NULL
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _table() -> str:
    return connection.ops.quote_name(Family._meta.db_table)


def _columns(model: Any, names: tuple[str, ...]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in names)


def bulk_ids(count: int) -> list[int]:
    """Ids for `count` new families, taken now so the rows and their ImportedRecord are written together."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(next_ids_sql(), [count])
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import's transaction holds the only write lock, so the next ids are ours alone.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table()}")  # noqa: S608  # nosec B608  # model's table
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [Family._meta.db_table])
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
    return list(range(start, start + count))


def _values(row: dict[str, Any], pk: int, now: dt.datetime) -> tuple[Any, ...]:
    return (pk, row["nik"], row["kk_number"], row["head_name"], row["sex"], row["birth_date"], row["address"],
            row["rt"], row["rw"], row["desa_id"], row["regency_id"], row["household_size"], row["monthly_income"],
            row["dtks_id"], row["welfare_decile"], row["decile_as_of"], row["status"], 1, now, now)  # fmt: skip


# The SQL below is built from the model's own table and column names; values go in as parameters or COPY data.
LOOKUP_SQL = f"SELECT id, version, {', '.join(COMPARED)} FROM {Family._meta.db_table} WHERE nik = ANY(%s)"  # nosec B608


def copy_sql() -> str:
    return f"COPY {_table()} ({_columns(Family, INSERTED)}) FROM STDIN"  # nosec B608


def next_ids_sql() -> str:
    table = Family._meta.db_table
    return f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)"  # nosec B608


def copy_lines(rows: list[dict[str, Any]], ids: list[int]) -> str:
    """COPY text lines of new families, in INSERTED's order. One format string per row, not a function per cell:
    this runs a million times in a large import. Only the free-text cells can hold a tab, newline or backslash;
    the others were checked as digits, codes or choices by the cleaning."""
    now = timezone.now().isoformat()
    return "".join([_family_line(row, pk, now) for row, pk in zip(rows, ids, strict=True)])


def _family_line(row: dict[str, Any], pk: int, now: str) -> str:
    decile, dated = row["welfare_decile"], row["decile_as_of"]
    return (
        f"{pk}\t{row['nik']}\t{row['kk_number']}\t{row['head_name'].translate(_ESCAPE)}\t{row['sex']}\t"
        f"{row['birth_date'].isoformat()}\t{row['address'].translate(_ESCAPE)}\t{row['rt']}\t{row['rw']}\t"
        f"{row['desa_id']}\t{row['regency_id']}\t{row['household_size']}\t{row['monthly_income']}\t"
        f"{row['dtks_id'].translate(_ESCAPE)}\t{_NULL if decile is None else decile}\t"
        f"{_NULL if dated is None else dated.isoformat()}\t{row['status']}\t1\t{now}\t{now}\n"
    )


def _copy_line(values: tuple[Any, ...]) -> str:
    cells = ("\\N" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v).translate(_ESCAPE)
             for v in values)  # fmt: skip
    return "\t".join(cells) + "\n"


def _write(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write("".join(_copy_line(values) for values in rows))
            return
        marks = ", ".join(["%s"] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608  # nosec B608


def insert_families(rows: list[dict[str, Any]], ids: list[int]) -> None:
    now = timezone.now()
    _write(_table(), _columns(Family, INSERTED), [_values(row, pk, now) for row, pk in zip(rows, ids, strict=True)])


def insert_records(batch_id: int, ids: list[int]) -> None:
    """The created families, for undo: one record per run of consecutive ids."""
    table = connection.ops.quote_name(ImportedRecord._meta.db_table)
    names = ("batch_id", "model", "object_id", "last_object_id", "action", "instance_id")
    _write(table, _columns(ImportedRecord, names), [(batch_id, "registry.family", a, b, "c", "") for a, b in runs(ids)])


def runs(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids as (first, last) runs of consecutive numbers."""
    out: list[tuple[int, int]] = []
    for pk in sorted(ids):
        if out and pk == out[-1][1] + 1:
            out[-1] = (out[-1][0], pk)
        else:
            out.append((pk, pk))
    return out


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def update_family(run: Run, ctx: Context, twin: dict[str, Any], row: dict[str, Any]) -> None:
    fields = {name: row[name] for name in COMPARED if name not in ("nik", "desa_id")}
    try:
        with transaction.atomic():
            family = Family.objects.get(pk=twin["id"])
            family_update(actor=ctx.actor, family=family, desa_code=row["desa_id"], **fields)
            if run.batch is not None:
                ImportedRecord.objects.create(
                    batch=run.batch, model="registry.family", object_id=family.pk, action="u", before=_json(twin)
                )
    except ValidationError as exc:
        raise RowInvalid.from_validation(exc) from None


def _restore(before: dict[str, Any], *, actor: Any) -> None:
    family = Family.objects.filter(pk=before["id"]).first()
    if family is None or family.version != before["version"] + 1:
        raise ValidationError(
            _("The family %(name)s was changed after this import; undo refused so that change is not lost.")
            % {"name": before["head_name"]}
        )
    fields = {name: before[name] for name in COMPARED if name not in ("nik", "desa_id")}
    if fields["decile_as_of"]:
        fields["decile_as_of"] = dt.date.fromisoformat(fields["decile_as_of"])
    family_update(actor=actor, family=family, desa_code=before["desa_id"], **fields)


def _refuse_dependants(created: Any) -> None:
    for relation in Family._meta.related_objects:
        model = relation.related_model
        count = model._default_manager.filter(**{f"{relation.field.name}__in": created}).count()
        if count:
            raise ValidationError(
                _("%(n)d %(what)s now refer to families of this import; undo refused (remove them first).")
                % {"n": count, "what": model._meta.verbose_name_plural}
            )


def undo_families(batch: ImportBatch, *, actor: Any) -> None:
    """Restore the families the batch updated and delete the ones it created; refused (all of it) when anything
    was built on them since."""
    for record in batch.records.filter(action="u").order_by("-id"):
        _restore(record.before or {}, actor=actor)
    records = ImportedRecord.objects.filter(batch=batch, action="c", model="registry.family")
    created = Family.objects.filter(records.objects_q())
    _refuse_dependants(created.values("pk"))
    created._raw_delete(connection.alias)
