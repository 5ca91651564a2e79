"""Set-based inserts that still produce ordinary Frappe rows (names, owner, timestamps).

``frappe.get_doc().insert()`` runs at about 600 documents per second; a multi-row INSERT at several
thousand rows per second. Callers validate the rows first: nothing here runs controllers.
"""

import datetime
import itertools
import os
import time

import frappe

STANDARD_FIELDS = ("name", "owner", "modified_by", "creation", "modified", "docstatus", "idx")
CHILD_FIELDS = ("parent", "parenttype", "parentfield")
LOOKUP_BATCH = 5000


def fetch_in_batches(doctype: str, field: str, values, fields: list[str]) -> dict:
	"""``field`` value → row (dict of ``fields``) of the rows whose ``field`` is one of ``values``,
	read with IN lists of ``LOOKUP_BATCH`` values."""
	values = list({v for v in values if v})
	table = frappe.qb.DocType(doctype)
	result = {}
	for start in range(0, len(values), LOOKUP_BATCH):
		rows = (
			frappe.qb.from_(table)
			.select(*[table[f] for f in fields])
			.where(table[field].isin(values[start : start + LOOKUP_BATCH]))
			.run(as_dict=True)
		)
		for row in rows:
			result[row[field]] = row
	return result


def reserve_series(prefix: str, count: int, digits: int) -> list[str]:
	"""Reserve ``count`` consecutive names of the old-style series ``prefix.###`` (as make_autoname
	would hand them out one by one) with a single row lock on ``tabSeries``."""
	if count <= 0:
		return []
	current = frappe.db.sql("select `current` from `tabSeries` where `name`=%s for update", (prefix,))
	if current and current[0][0] is not None:
		start = int(current[0][0])
		frappe.db.sql("update `tabSeries` set `current`=%s where `name`=%s", (start + count, prefix))
	else:
		start = 0
		frappe.db.sql("insert into `tabSeries` (`name`, `current`) values (%s, %s)", (prefix, count))
	return [f"{prefix}{n:0{digits}d}" for n in range(start + 1, start + count + 1)]


def insert_rows(doctype: str, rows: list[dict], *, chunk_size: int = 1000) -> int:
	"""Insert ``rows`` (dicts that each carry ``name``) with the standard columns filled in."""
	if not rows:
		return 0
	now = frappe.utils.now_datetime()
	user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
	meta = frappe.get_meta(doctype)
	columns = list(
		dict.fromkeys(f for row in rows for f in row if f not in STANDARD_FIELDS and f not in CHILD_FIELDS)
	)
	unknown = [c for c in columns if not meta.has_field(c)]
	if unknown:
		raise ValueError(f"{doctype} has no fields {unknown}")
	extra = list(CHILD_FIELDS) if meta.istable else []
	fields = ["name", "owner", "modified_by", "creation", "modified", "docstatus", "idx", *extra, *columns]
	# distinct creation stamps (1 µs apart, in row order) keep "order by creation" lists stable
	values = [
		(
			row["name"],
			user,
			user,
			row.get("creation") or now + datetime.timedelta(microseconds=position),
			now,
			0,
			row.get("idx", 0),
			*(row.get(f) for f in extra),
			*(row.get(c) for c in columns),
		)
		for position, row in enumerate(rows)
	]
	# One multi-row INSERT per chunk with %s parameters. frappe.db.bulk_insert does the same through
	# the query builder, whose SQL rendering costs more than the database does at this size.
	table = frappe.qb.DocType(doctype).get_sql(quote_char="`")
	columns_sql = ", ".join(f"`{field}`" for field in fields)
	row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(values), chunk_size):
		chunk = values[start : start + chunk_size]
		frappe.db.sql(
			f"insert into {table} ({columns_sql}) values {', '.join([row_sql] * len(chunk))}",
			[value for row in chunk for value in row],
		)
	return len(values)


_child_sequence = itertools.count()


def new_child_name() -> str:
	"""A name for a child row that cannot collide: a random 40-bit name (Frappe's own) collided
	once per ~50k-household import (birthday odds), and the bulk path has no retry. The name is the
	microsecond clock, the process id and a per-process counter (unique within a process by the
	counter, across processes and hosts by clock, pid and 4 random hex digits; fixed widths before the
	counter, so no two parts run together), 23 or more hex characters."""
	return "{:014x}{:04x}{}{:x}".format(
		time.time_ns() // 1000, os.getpid() & 0xFFFF, frappe.generate_hash(length=4), next(_child_sequence)
	)
