# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""What Governance Measures counts, and the summary it reads (Measure Count: one row per source ×
jurisdiction node × month × figure).

Each *source* is one case table (or a child table joined to its case) with the one date its figures
fall on: a dispute's figures on `closed_on` (concluded, resolved per level, mediations recorded
without sessions), `reported_on` (civil cases) and `turned_criminal_on` (民转刑); a mediation session's
on `session_on`; … So a period's figures are, per source, the rows whose date lies in it — an index
range, never the whole subtree (at a million cases the report used to read every dispute of a town:
a minute). The same source queries count

- the summary: per case node and month (`count_by_node_month`), written by `rebuild_measure_counts`
  (the daily job, and the patch that fills it on an existing site) and kept by the case lifecycle:
  every save or delete of a case recounts the (source, node, month) keys the case falls in before and
  after it (`on_case_change`), in the same transaction, and once more after the commit under a
  server lock, so two saves in one node-month at the same time cannot leave a stale count;
- the days of a period that do not make a whole month, straight from the case tables
  (`count_in_scope`): the report adds the two (`governance_measures.gather_figures`).

Writes that bypass the documents (`frappe.db.set_value`, bulk loads, the demo generator's
backdating) are not seen until the next rebuild; code that makes them calls `rebuild_measure_counts`
or `recount_cases` itself.
"""

import datetime
import hashlib
from collections.abc import Callable
from typing import NamedTuple

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate, now_datetime
from pypika.enums import DatePart
from pypika.functions import Extract
from pypika.terms import ExistsCriterion

RESOLVED = "Agreement"
# results of a Mediation Session that end a mediation ("Continued" does not)
FINAL_RESULTS = ("Agreement", "Partial Agreement", "Mediation Failed")
SATISFIED = ("Satisfied", "Basically Satisfied")
ANSWERED = (*SATISFIED, "Dissatisfied")
MASS_INCIDENT = "Group or Mass Incident"
MEDIATION_TYPES = (
	("people", "People's Mediation"),
	("admin", "Administrative Mediation"),
	("judicial", "Judicial Mediation"),
)
LEVELS = (
	("village", ("Village",)),
	("town", ("Village", "Town")),
	("district", ("Village", "Town", "District")),
)
SUMMARY = "Measure Count"


class SourceQuery(NamedTuple):
	query: object  # FROM the case table (and what it joins), nothing selected
	case: object  # the case table: jurisdiction, is_withdrawn
	date: object  # the column the figures fall on
	figures: list  # [(figure, condition or None for every row)]
	where: object = None  # rows of the source at all (a session with a result)


class Source(NamedTuple):
	key: str
	doctype: str  # the case DocType whose saves move these figures
	build: Callable[[], SourceQuery]
	dates_of: Callable  # doc -> the dates in it the figures fall on


def field_dates(fieldname: str):
	return lambda doc: [doc.get(fieldname)]


def disputes_concluded() -> SourceQuery:
	D = frappe.qb.DocType("Dispute")
	S = frappe.qb.DocType("Mediation Session")
	no_final_session = ExistsCriterion(
		frappe.qb.from_(S)
		.select(S.name)
		.where((S.parent == D.name) & (S.parenttype == "Dispute") & S.result.isin(FINAL_RESULTS))
	).negate()
	figures = [("concluded", None)]
	for level, levels in LEVELS:
		figures.append((level, (D.outcome == RESOLVED) & D.handling_level.isin(levels)))
	for mtype, value in MEDIATION_TYPES:
		unrecorded = (D.mediation_type == value) & no_final_session
		figures.append((f"{mtype}_mediated", unrecorded))
		figures.append((f"{mtype}_agreed", unrecorded & (D.outcome == RESOLVED)))
	return SourceQuery(frappe.qb.from_(D), D, D.closed_on, figures)


def disputes_reported() -> SourceQuery:
	D = frappe.qb.DocType("Dispute")
	return SourceQuery(frappe.qb.from_(D), D, D.reported_on, [("civil", None)])


def disputes_turned_criminal() -> SourceQuery:
	D = frappe.qb.DocType("Dispute")
	return SourceQuery(frappe.qb.from_(D), D, D.turned_criminal_on, [("criminal", D.turned_criminal == 1)])


def mediation_sessions() -> SourceQuery:
	D = frappe.qb.DocType("Dispute")
	S = frappe.qb.DocType("Mediation Session")
	query = (
		frappe.qb.from_(S)
		.join(D)
		.on((S.parent == D.name) & (S.parenttype == "Dispute") & (S.parentfield == "mediation_sessions"))
	)
	figures = []
	for mtype, value in MEDIATION_TYPES:
		figures.append((f"{mtype}_mediated", S.mediation_type == value))
		figures.append((f"{mtype}_agreed", (S.mediation_type == value) & (S.result == RESOLVED)))
	return SourceQuery(query, D, S.session_on, figures, S.result.isin(FINAL_RESULTS))


def dispute_party_ratings() -> SourceQuery:
	"""Staff-recorded satisfaction of the parties of the disputes concluded."""
	D = frappe.qb.DocType("Dispute")
	P = frappe.qb.DocType("Dispute Party")
	query = (
		frappe.qb.from_(P)
		.join(D)
		.on((P.parent == D.name) & (P.parenttype == "Dispute") & (P.parentfield == "parties"))
	)
	figures = [
		("staff_answered", P.satisfaction.isin(ANSWERED)),
		("staff_satisfied", P.satisfaction.isin(SATISFIED)),
	]
	return SourceQuery(query, D, D.closed_on, figures)


def rating_figures(table, staff_field: str | None) -> list:
	"""The resident's own rating where given, else (`staff_field`) the one staff recorded."""
	figures = [
		("own_answered", table.self_rating.isin(ANSWERED)),
		("own_satisfied", table.self_rating.isin(SATISFIED)),
	]
	if staff_field:
		staff = table[staff_field]
		no_own = table.self_rating.isnull() | (table.self_rating == "")
		figures.append(("staff_answered", no_own & staff.isin(ANSWERED)))
		figures.append(("staff_satisfied", no_own & staff.isin(SATISFIED)))
	return figures


def petitions_reported() -> SourceQuery:
	P = frappe.qb.DocType("Petition")
	C = frappe.qb.DocType("Case Category")
	query = frappe.qb.from_(P).left_join(C).on(P.category == C.name)
	figures = [("law_related", C.is_law_related == 1), ("skip_level", P.is_skip_level == 1)]
	return SourceQuery(query, P, P.reported_on, figures)


def petitions_closed() -> SourceQuery:
	P = frappe.qb.DocType("Petition")
	return SourceQuery(frappe.qb.from_(P), P, P.closed_on, rating_figures(P, "satisfaction"))


def service_requests_closed() -> SourceQuery:
	R = frappe.qb.DocType("Service Request")
	return SourceQuery(frappe.qb.from_(R), R, R.closed_on, rating_figures(R, None))


def incidents_reported() -> SourceQuery:
	E = frappe.qb.DocType("Emergency Incident")
	return SourceQuery(frappe.qb.from_(E), E, E.reported_on, [("mass", E.kind == MASS_INCIDENT)])


SOURCES = (
	Source("dispute_concluded", "Dispute", disputes_concluded, field_dates("closed_on")),
	Source("dispute_reported", "Dispute", disputes_reported, field_dates("reported_on")),
	Source("dispute_criminal", "Dispute", disputes_turned_criminal, field_dates("turned_criminal_on")),
	Source(
		"mediation_session",
		"Dispute",
		mediation_sessions,
		lambda doc: [row.get("session_on") for row in doc.get("mediation_sessions") or []],
	),
	Source("dispute_party", "Dispute", dispute_party_ratings, field_dates("closed_on")),
	Source("petition_reported", "Petition", petitions_reported, field_dates("reported_on")),
	Source("petition_closed", "Petition", petitions_closed, field_dates("closed_on")),
	Source("service_request_closed", "Service Request", service_requests_closed, field_dates("closed_on")),
	Source("incident_reported", "Emergency Incident", incidents_reported, field_dates("reported_on")),
)
SOURCE_BY_KEY = {source.key: source for source in SOURCES}
MEASURED_DOCTYPES = tuple(dict.fromkeys(source.doctype for source in SOURCES))


# ---------------------------------------------------------------------------------------------
# Counting


class Scope(NamedTuple):
	node: str
	lft: int
	rgt: int


def figure_columns(sq: SourceQuery) -> list:
	return [
		(Count("*") if condition is None else Sum(Case().when(condition, 1).else_(0))).as_(figure)
		for figure, condition in sq.figures
	]


def rows_of(sq: SourceQuery, days: tuple | None):
	"""The source's rows (not withdrawn) whose date falls on `days` (first, last), or all of them."""
	query = sq.query.where(sq.case.is_withdrawn == 0)
	if sq.where is not None:
		query = query.where(sq.where)
	if days:
		query = query.where(
			(sq.date >= f"{days[0]} 00:00:00") & (sq.date < f"{add_days(days[1], 1)} 00:00:00")
		)
	else:
		query = query.where(sq.date.notnull())
	return query


def in_subtree(query, node_of_row, scope: Scope):
	"""`query` restricted to the scope's subtree and grouped by the child node of the scope holding
	each row (NULL: the scope's node itself), selected as `bucket`."""
	case_node = frappe.qb.DocType("Jurisdiction").as_("case_node")
	child = frappe.qb.DocType("Jurisdiction").as_("child_node")
	return (
		query.join(case_node)
		.on(case_node.name == node_of_row)
		.left_join(child)
		.on(
			(child.parent_jurisdiction == scope.node)
			& (child.lft <= case_node.lft)
			& (child.rgt >= case_node.rgt)
		)
		.where((case_node.lft >= scope.lft) & (case_node.rgt <= scope.rgt))
		.groupby(child.name)
		.select(child.name.as_("bucket"))
	)


def count_in_scope(source: Source, scope: Scope, days: tuple) -> list[dict]:
	"""The source's figures on `days`, from the case tables: [{bucket, figure: n, ...}]."""
	sq = source.build()
	query = in_subtree(rows_of(sq, days), sq.case.jurisdiction, scope)
	return query.select(*figure_columns(sq)).run(as_dict=True)


def summary_in_scope(scope: Scope, months: tuple[int, int]) -> list[dict]:
	"""The summary's figures of the months `months` (first, last as YYYYMM): [{bucket, figure, n}]."""
	M = frappe.qb.DocType(SUMMARY)
	query = frappe.qb.from_(M).where((M.month >= months[0]) & (M.month <= months[1]) & (M.count != 0))
	query = in_subtree(query, M.jurisdiction, scope).groupby(M.figure)
	return query.select(M.figure, Sum(M["count"]).as_("n")).run(as_dict=True)


def month_of(term):
	return Extract(DatePart.year, term) * 100 + Extract(DatePart.month, term)


def yyyymm(day) -> int:
	day = getdate(day)
	return day.year * 100 + day.month


def month_days(month: int) -> tuple[datetime.date, datetime.date]:
	first = datetime.date(month // 100, month % 100, 1)
	return first, getdate(get_last_day(first))


def split_period(first_day, last_day) -> tuple[tuple[int, int] | None, list[tuple]]:
	"""The whole months of a period (first, last as YYYYMM, or None) and the runs of days before and
	after them."""
	start, end = getdate(first_day), getdate(last_day)
	whole_from = start if start.day == 1 else getdate(get_first_day(add_months(start, 1)))
	whole_to = end if end == getdate(get_last_day(end)) else getdate(add_days(get_first_day(end), -1))
	if whole_from > whole_to:
		return None, [(start, end)]
	edges = []
	if start < whole_from:
		edges.append((start, getdate(add_days(whole_from, -1))))
	if whole_to < end:
		edges.append((getdate(add_days(whole_to, 1)), end))
	return (yyyymm(whole_from), yyyymm(whole_to)), edges


def count_by_node_month(source: Source, node: str | None = None, month: int | None = None) -> list[dict]:
	"""The source's figures per case node and month (of one node and month when given)."""
	sq = source.build()
	query = rows_of(sq, month_days(month) if month else None)
	if node:
		query = query.where(sq.case.jurisdiction == node)
	month_term = month_of(sq.date)
	query = query.groupby(sq.case.jurisdiction, month_term).select(
		sq.case.jurisdiction.as_("jurisdiction"), month_term.as_("month"), *figure_columns(sq)
	)
	return query.run(as_dict=True)


def ensure_measure_indexes() -> None:
	"""after_migrate (through `case_types.ensure_case_indexes`): the sources' (jurisdiction, date)
	ranges, which the days outside whole months and the lifecycle's recount of one node-month read."""
	for source in SOURCES:
		sq = source.build()
		table, column = sq.date.table.get_table_name(), sq.date.name
		if table == sq.case.get_table_name():
			frappe.db.add_index(source.doctype, ["jurisdiction", column])
		else:  # a child table's date (mediation sessions): the rows of a period, then their case
			frappe.db.add_index(table.removeprefix("tab"), [column])


# ---------------------------------------------------------------------------------------------
# Writing the summary


def summary_name(source: str, node: str, month: int, figure: str) -> str:
	return hashlib.md5(f"{source}\x1f{node}\x1f{month}\x1f{figure}".encode()).hexdigest()


def write_summary(rows: list[tuple]) -> None:
	"""Upsert (source, jurisdiction, month, figure, count) rows by their key (the row's name).
	An upsert by primary key, not delete + insert: two transactions replacing neighbouring keys would
	deadlock on the gap between them."""
	if not rows:
		return
	now = now_datetime()
	user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
	table = f"`tab{SUMMARY}`"
	columns = "`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`, " + (
		"`source`, `jurisdiction`, `month`, `figure`, `count`"
	)
	row_sql = "(" + ", ".join(["%s"] * 12) + ")"
	for start in range(0, len(rows), 2000):
		chunk = rows[start : start + 2000]
		values = []
		for source, node, month, figure, count in chunk:
			values += [summary_name(source, node, month, figure), now, now, user, user, 0, 0]
			values += [source, node, month, figure, count]
		frappe.db.sql(
			f"insert into {table} ({columns}) values {', '.join([row_sql] * len(chunk))} "
			"on duplicate key update `count` = values(`count`), `modified` = values(`modified`)",
			values,
		)


def figure_rows(source: Source, counted: list[dict]) -> list[tuple]:
	figures = [figure for figure, _condition in source.build().figures]
	return [
		(source.key, row["jurisdiction"], int(row["month"]), figure, int(row.get(figure) or 0))
		for row in counted
		for figure in figures
	]


def recount(source_key: str, node: str, month: int) -> None:
	"""Count one source's figures of one node-month again and store them (zeros included: a count
	that fell to nothing must overwrite the old one)."""
	source = SOURCE_BY_KEY[source_key]
	counted = count_by_node_month(source, node, month) or [{"jurisdiction": node, "month": month}]
	write_summary(figure_rows(source, counted))


def rebuild_measure_counts(source_keys: list[str] | None = None, commit: bool = True) -> int:
	"""The summary counted again from the case tables (the daily job; a patch on existing sites).
	Returns the number of rows written."""
	with server_lock():
		written = replace_summary(source_keys or [source.key for source in SOURCES])
		if commit:
			frappe.db.commit()
	return written


def replace_summary(source_keys: list[str]) -> int:
	M = frappe.qb.DocType(SUMMARY)
	frappe.qb.from_(M).delete().where(M.source.isin(source_keys)).run()
	written = 0
	for key in source_keys:
		source = SOURCE_BY_KEY[key]
		rows = [row for row in figure_rows(source, count_by_node_month(source)) if row[4]]
		write_summary(rows)
		written += len(rows)
	return written


class server_lock:
	"""A MariaDB named lock per site around writes that must not interleave (GET_LOCK names are
	server-wide, so the database name is part of it)."""

	def __enter__(self):
		self.name = f"{frappe.conf.db_name}:measure_counts"
		frappe.db.sql("select get_lock(%s, 60)", (self.name,))
		return self

	def __exit__(self, *exc):
		frappe.db.sql("select release_lock(%s)", (self.name,))
		return False


# ---------------------------------------------------------------------------------------------
# The case lifecycle


def keys_of(doc) -> set[tuple[str, str, int]]:
	"""(source, node, month) of every figure the case falls in as it is now and as it was before."""
	keys = set()
	for version in (doc, doc.get_doc_before_save() if hasattr(doc, "get_doc_before_save") else None):
		if not version or not version.get("jurisdiction"):
			continue
		for source in SOURCES:
			if source.doctype != doc.doctype:
				continue
			for day in source.dates_of(version):
				if day:
					keys.add((source.key, version.jurisdiction, yyyymm(day)))
	return keys


def on_case_change(doc, method=None):
	"""doc_events on_update / on_trash of the measured case DocTypes."""
	keys = keys_of(doc)
	if not keys:
		return
	for key in sorted(keys):
		recount(*key)
	pending = frappe.local.flags.setdefault("measure_counts_pending", set())
	if not pending:
		frappe.db.after_commit.add(recount_after_commit)
		frappe.db.after_rollback.add(lambda: frappe.local.flags.pop("measure_counts_pending", None))
	pending.update(keys)


def recount_after_commit():
	"""The keys of this transaction's saves counted once more after the commit, one recount at a time
	on the server: a save committed in the same node-month while ours was counted is in this count."""
	keys = frappe.local.flags.pop("measure_counts_pending", None)
	if not keys:
		return
	try:
		with server_lock():
			for key in sorted(keys):
				recount(*key)
			frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="Governance Measures: recount after commit failed")


def recount_cases(doctype: str, names: list[str]) -> None:
	"""Recount the keys the given cases fall in now (after a direct write to them). Keys they fell in
	before such a write are not known here: `rebuild_measure_counts` repairs those."""
	for name in names:
		for key in sorted(keys_of(frappe.get_doc(doctype, name))):
			recount(*key)


def on_category_change(doc, method=None):
	"""A Case Category that becomes (or stops being) law-related changes every month's count of
	law-related petitions filed under it."""
	if doc.has_value_changed("is_law_related"):
		replace_summary(["petition_reported"])  # in the category's transaction
