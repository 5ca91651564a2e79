# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""What Governance Measures counts, and the summary it reads (Measure Count: one row per source ×
jurisdiction node × month × figure, and one per source × node × day × figure).

Each *source* is one case table (or a child table joined to its case) with the one date its figures
fall on: a dispute's figures on `closed_on` (concluded, resolved per level, mediations recorded
without sessions), `reported_on` (civil cases) and `turned_criminal_on` (民转刑); a mediation session's
on `session_on`; … The summary holds, per node, the counts of the node's whole subtree (so the report
reads a row per child of the chosen node, period and figure, however many grids lie below), in two
grains:

- a *month row* (`month` YYYYMM, `day` 0) per node, month and figure: the whole months of a period;
- a *day row* (`month` YYYYMM, `day` YYYYMMDD) per node, day and figure: the days of a period that do
  not make a whole month (the report's default, month to date; a previous period 2 Oct–31 Oct).

Why two grains and not days alone: a year for a town stays one covering-index range of ~12 month rows
per node and figure (a day grain alone would read 365), and the days around whole months are at most
~60 day rows per node and figure (the days before the first whole month and after the last). Both
grains are one index, `(jurisdiction, day, month, figure, count)`: month rows are the range `day = 0`
and a month range, day rows a `day` range, so a period is one query and never reads a case table.
Why days for all time and not only recent ones: any period can be asked for (a previous period a
year back), and a day row is only written where a case fell on that day.

Both grains are counted by the same query (per source, rows grouped by case node and day;
`count_by_node_day`) and a month row is the sum of its days (`node_counts`), so the grains cannot drift
apart:

- `rebuild_measure_counts` (the daily job, and the patches that fill the summary on an existing site):
  one aggregate per source over its table, rolled up the tree and compared a month at a time with
  the stored rows, writing only the rows that differ (the day rows make the summary ~12x larger than
  month rows alone: rewriting all of it daily would be its cost, docs/benchmarks.md);
- the case lifecycle: before a case is written its own counts are read from the tables, after it
  they are read again, and the difference is added to its node and every node above it, both grains,
  in the save's transaction (increments: saves at the same time in one town add up, a rollback takes
  its change back).

The report reads only the summary (`summary_in_scope`); `count_in_scope` (the case tables, an index
range per source) counts what the summary does not hold (`unsummarised_sources`: case types added as
data that residents rate) and the raw aggregation that tests and benchmarks compare it with.

Writes that bypass the documents (`frappe.db.set_value`, bulk loads, a data generator's
backdating) are not seen until the next rebuild; code that makes them wraps them in `direct_write`
or calls `rebuild_measure_counts`.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from itertools import groupby
from typing import NamedTuple

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import (
	add_days,
	add_months,
	get_datetime,
	get_first_day,
	get_last_day,
	getdate,
	now_datetime,
)
from pypika.enums import DatePart
from pypika.functions import Extract
from pypika.terms import Criterion, ExistsCriterion

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
		frappe.qb.from_(D)
		.join(P)
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
	Source("dispute_concluded", "Dispute", disputes_concluded),
	Source("dispute_reported", "Dispute", disputes_reported),
	Source("dispute_criminal", "Dispute", disputes_turned_criminal),
	Source("mediation_session", "Dispute", mediation_sessions),
	Source("dispute_party", "Dispute", dispute_party_ratings),
	Source("petition_reported", "Petition", petitions_reported),
	Source("petition_closed", "Petition", petitions_closed),
	Source("service_request_closed", "Service Request", service_requests_closed),
	Source("incident_reported", "Emergency Incident", incidents_reported),
)
SOURCE_BY_KEY = {source.key: source for source in SOURCES}
MEASURED_DOCTYPES = tuple(dict.fromkeys(source.doctype for source in SOURCES))


def unsummarised_sources() -> list[Source]:
	"""The ratings of case types that residents rate (`self_rating`) and the summary does not hold: a
	case type added as data counts as soon as it carries the field, from its own table."""
	from xinqu_governance.cases.case_types import case_doctypes

	def closed(doctype: str, staff_field: str | None):
		table = frappe.qb.DocType(doctype)
		return lambda: SourceQuery(frappe.qb.from_(table), table, table.closed_on, rating_figures(table, staff_field))

	sources = []
	for doctype in case_doctypes():
		meta = frappe.get_meta(doctype)
		if doctype not in MEASURED_DOCTYPES and meta.has_field("self_rating"):
			staff_field = "satisfaction" if meta.has_field("satisfaction") else None
			sources.append(Source(f"{frappe.scrub(doctype)}_closed", doctype, closed(doctype, staff_field)))
	return sources


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
	query = rows_of(sq, days)
	if sq.date.table == sq.case:
		# per node of the subtree, the (jurisdiction, date) range: left to itself MariaDB takes the
		# single-column `jurisdiction` index and reads every case of the node (measured: 10x slower)
		index = frappe.db.get_index_name(["jurisdiction", sq.date.name])
		if frappe.db.has_index(sq.case.get_table_name(), index):  # (a case type added as data may lack it)
			query = query.force_index(index)
	query = in_subtree(query, sq.case.jurisdiction, scope)
	return query.select(*figure_columns(sq)).run(as_dict=True)


def summary_in_scope(scope: Scope, months: tuple[int, int] | None, runs: list[tuple] = ()) -> list[dict]:
	"""The summary's figures of the whole months `months` (first, last as YYYYMM; month rows) and of
	the runs of days `runs` ([(first, last)]; day rows), in one query: [{bucket, figure, n}]. It holds
	every node's subtree, so the buckets are read at the scope's children, and what was recorded at
	the scope's own node is the scope's total less its children's."""
	M = frappe.qb.DocType(SUMMARY)
	periods = []
	if months:
		periods.append((M.day == 0) & (M.month >= months[0]) & (M.month <= months[1]))
	for first, last in runs:
		periods.append((M.day >= yyyymmdd(first)) & (M.day <= yyyymmdd(last)))
	if not periods:
		return []
	children = frappe.get_all("Jurisdiction", filters={"parent_jurisdiction": scope.node}, pluck="name")
	rows = (
		frappe.qb.from_(M)
		.select(M.jurisdiction, M.figure, Sum(M["count"]).as_("n"))
		.where(M.jurisdiction.isin([scope.node, *children]) & Criterion.any(periods))
		.groupby(M.jurisdiction, M.figure)
		.run(as_dict=True)
	)
	at_node: dict[str, int] = {}
	out = []
	for row in rows:
		if row.jurisdiction == scope.node:
			at_node[row.figure] = at_node.get(row.figure, 0) + int(row.n or 0)
		else:
			out.append(frappe._dict(bucket=row.jurisdiction, figure=row.figure, n=int(row.n or 0)))
			at_node[row.figure] = at_node.get(row.figure, 0) - int(row.n or 0)
	out += [frappe._dict(bucket=None, figure=f, n=n) for f, n in at_node.items() if n]
	return out


def day_of(term):
	"""The date of `term` as YYYYMMDD."""
	return (
		Extract(DatePart.year, term) * 10000
		+ Extract(DatePart.month, term) * 100
		+ Extract(DatePart.day, term)
	)


def yyyymm(day) -> int:
	day = getdate(day)
	return day.year * 100 + day.month


def yyyymmdd(day) -> int:
	day = getdate(day)
	return day.year * 10000 + day.month * 100 + day.day


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


def count_by_node_day(
	source: Source, case_name: str | None = None, days: tuple | None = None, nodes: list[str] | None = None
) -> list[tuple]:
	"""The source's figures per case node and day (of one case when given; of the cases of `nodes` on
	`days`, first and last, when given): [(jurisdiction, YYYYMMDD, n of each figure of the source in
	order)]."""
	sq = source.build()
	query = rows_of(sq, days)
	if case_name:
		query = query.where(sq.case.name == case_name)
	if nodes:
		query = query.where(sq.case.jurisdiction.isin(nodes))
	day_term = day_of(sq.date)
	query = query.groupby(sq.case.jurisdiction, day_term).select(
		sq.case.jurisdiction.as_("jurisdiction"), day_term.as_("day"), *figure_columns(sq)
	)
	return query.run(as_list=True)


OLD_SUMMARY_INDEX = ("jurisdiction", "month", "figure", "count")  # before the day rows
SUMMARY_INDEX = ("jurisdiction", "day", "month", "figure", "count")
OLD_REBUILD_INDEX = ("source", "month", "count")  # before the daily repair
REBUILD_INDEX = ("source", "month", "jurisdiction", "day", "figure", "count")


def ensure_summary_index() -> None:
	"""The summary's indexes: the report's, per node month rows (`day` 0, a month range) and day rows
	(a `day` range), covered; the rebuild's and the repair's, a source's rows of one month (both
	grains) with their names and counts (the rebuild), or of some nodes of it with their keys (the
	repair), covered. The indexes these replace are dropped."""
	frappe.db.add_index(SUMMARY, list(SUMMARY_INDEX))
	frappe.db.add_index(SUMMARY, list(REBUILD_INDEX))
	for replaced in (OLD_SUMMARY_INDEX, OLD_REBUILD_INDEX):
		old = frappe.db.get_index_name(list(replaced))
		if frappe.db.has_index(f"tab{SUMMARY}", old):
			frappe.db.sql_ddl(f"alter table `tab{SUMMARY}` drop index `{old}`")


def ensure_measure_indexes() -> None:
	"""after_migrate (through `case_types.ensure_case_indexes`): the summary's index; the sources'
	(jurisdiction, date) ranges, which the raw aggregation (`count_in_scope`) reads — the report reads
	only the summary, the benchmarks and tests compare it with that aggregation; and each case table's
	`modified`, which the daily repair reads the cases written since its last run from (Frappe v15
	has this index on every table, v16 replaced it with `creation`: the same name, so on v15 nothing
	is added)."""
	ensure_summary_index()
	for doctype in MEASURED_DOCTYPES:
		frappe.db.add_index(doctype, ["modified"], index_name="modified")
	for source in SOURCES:
		sq = source.build()
		table, column = sq.date.table.get_table_name(), sq.date.name
		if table == sq.case.get_table_name():
			frappe.db.add_index(source.doctype, ["jurisdiction", column])
		else:  # a child table's date (mediation sessions): the rows of a period, then their case
			frappe.db.add_index(table.removeprefix("tab"), [column])


# ---------------------------------------------------------------------------------------------
# Writing the summary: a row per source, node, month (or day) and figure holding the count of the
# node's whole subtree (the node's own cases and those of every node below it). A row's key is
# (source, node, month, day, figure): day 0 for a month row. A case's change adds the
# difference it makes to its node and to each node above it: increments commute, so saves running at
# the same time in one town cannot overwrite each other's counts, and a rollback takes them back.


def summary_name(source: str, node: str, month: int, day: int, figure: str) -> str:
	"""The row's name, from its key: the period is the month (YYYYMM) of a month row and the day
	(YYYYMMDD) of a day row, so the grains cannot collide (six digits against eight; a month row keeps
	the name it had before there were day rows)."""
	return hashlib.md5(f"{source}\x1f{node}\x1f{day or month}\x1f{figure}".encode()).hexdigest()


def write_summary(counts: dict, increment: bool) -> None:
	"""Upsert {(source, jurisdiction, month, day, figure): n} by the row's key (its name), adding n to
	the stored count when `increment`, else storing n."""
	if not counts:
		return
	now = now_datetime()
	user = frappe.session.user if getattr(frappe.local, "session", None) else "Administrator"
	table = f"`tab{SUMMARY}`"
	columns = "`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`, " + (
		"`source`, `jurisdiction`, `month`, `day`, `figure`, `count`"
	)
	update = "`count` + values(`count`)" if increment else "values(`count`)"
	row_sql = "(" + ", ".join(["%s"] * 13) + ")"
	keys = sorted(counts)  # one order for every writer: row locks taken in the same sequence
	for start in range(0, len(keys), 2000):
		chunk = keys[start : start + 2000]
		values = []
		for key in chunk:
			values += [summary_name(*key), now, now, user, user, 0, 0, *key, counts[key]]
		frappe.db.sql(
			f"insert into {table} ({columns}) values {', '.join([row_sql] * len(chunk))} "
			f"on duplicate key update `count` = {update}, `modified` = values(`modified`)",
			values,
		)


def node_counts(source: Source, counted: list[tuple]) -> dict:
	"""{(source, case node, month, day, figure): n} of a source's rows counted per node and day
	(`count_by_node_day`): each day's row, and its month's row (day 0) adding up the month's days."""
	figures = [figure for figure, _condition in source.build().figures]
	out: dict = {}
	for node, day, *values in counted:
		day = int(day)
		for figure, n in zip(figures, values, strict=True):
			if n:
				n = int(n)
				out[(source.key, node, day // 100, day, figure)] = n
				month_key = (source.key, node, day // 100, 0, figure)
				out[month_key] = out.get(month_key, 0) + n
	return out


def ancestors_of(whole_tree: bool = True) -> Callable[[str], list[str]]:
	"""node -> the node and every node above it (memoised): from the whole tree read once (a rebuild),
	or per node from its lft / rgt (a case's change touches one or two nodes)."""
	memo: dict[str, list[str]] = {}
	if whole_tree:
		parent = dict(frappe.get_all("Jurisdiction", fields=["name", "parent_jurisdiction"], as_list=True))

		def chain(node):
			if node not in memo:
				up = parent.get(node)
				memo[node] = [node, *(chain(up) if up and up != node else [])]
			return memo[node]

		return chain

	J = frappe.qb.DocType("Jurisdiction")

	def chain_of(node):
		if node not in memo:
			bounds = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
			memo[node] = [node]
			if bounds:
				above = (
					frappe.qb.from_(J)
					.select(J.name)
					.where((J.lft < bounds[0]) & (J.rgt > bounds[1]))
					.run(pluck=True)
				)
				memo[node] += sorted(above)
		return memo[node]

	return chain_of


def rolled_up(counts: dict, chain=None) -> dict:
	"""Counts per case node as counts per subtree: each added to its node and every node above."""
	chain = chain or ancestors_of()
	out: dict = {}
	for (source, node, *period, figure), n in counts.items():
		for above in chain(node):
			key = (source, above, *period, figure)
			out[key] = out.get(key, 0) + n
	return out


# where the daily repair records when it last ran (Frappe's global defaults); the window it reads
# starts that long before, for writes whose transactions were open when it ran
REPAIRED_AT = "xinqu_measure_counts_repaired_at"
REPAIR_OVERLAP = timedelta(hours=1)


def rebuild_measure_counts(source_keys: list[str] | None = None, commit: bool = True) -> int:
	"""The summary counted again from the case tables (the weekly job; the patches on existing sites;
	the daily repair's first run). Returns the number of rows written or deleted: only those whose
	count differs from what is stored (none, when the lifecycle kept every write)."""
	started = now_datetime()
	written = replace_summary(source_keys or [source.key for source in SOURCES])
	if not source_keys:
		frappe.db.set_global(REPAIRED_AT, str(started))
	if commit:
		frappe.db.commit()
	return written


def repair_measure_counts() -> int:
	"""The daily job: the summary put right for the cases written since the last repair (or rebuild),
	found by their `modified` (Frappe stamps it on every save and `set_value`), not by counting every
	case again: for each source, the (case node, month) pairs those cases fall on now are counted
	from the case tables and compared with what the summary holds for the node itself (its row less
	its children's), and the difference is added up the tree (`repair_pairs`). Its cost is the cases
	written and their nodes' months, not the whole table. What it cannot see, the weekly full rebuild
	puts right: a write that did not stamp `modified` (raw SQL, `update_modified=False`) and the node or
	month a case was moved away from around its document, and a summary row written around the
	lifecycle (the repair takes a node's own counts as its row less its children's, so it relies on
	the rows agreeing with each other, as the lifecycle and the rebuild write them). Returns the rows
	written; the first run on a site (no mark) is a full rebuild."""
	since = frappe.db.get_global(REPAIRED_AT)
	if not since:
		return rebuild_measure_counts()
	started = now_datetime()
	chain = ancestors_of()  # the tree read once: a day's writes touch thousands of nodes in a city
	written = 0
	for source in SOURCES:
		written += repair_pairs(source, changed_pairs(source, get_datetime(since) - REPAIR_OVERLAP), chain)
	frappe.db.set_global(REPAIRED_AT, str(started))
	frappe.db.commit()
	return written


def changed_pairs(source: Source, since) -> dict[int, set[str]]:
	"""{month YYYYMM: {case node}} of the source's rows whose case was written since `since` (withdrawn
	ones too: a withdrawal takes a case out of its node's counts), through the case table's `modified`
	index."""
	sq = source.build()
	query = sq.query.where((sq.case.modified >= since) & sq.date.notnull())
	day_term = day_of(sq.date)
	rows = query.select(sq.case.jurisdiction, day_term).distinct().run()
	pairs: dict[int, set[str]] = {}
	for node, day in rows:
		if node:
			pairs.setdefault(int(day) // 100, set()).add(node)
	return pairs


def repair_pairs(source: Source, pairs: dict[int, set[str]], chain=None) -> int:
	"""For each month and its nodes: the node's own counts (both grains) from the case tables against
	the summary's (the node's rows less its children's, read before anything is written), and each
	difference added to the node and every node above it. Returns the rows the differences moved."""
	M = frappe.qb.DocType(SUMMARY)
	J = frappe.qb.DocType("Jurisdiction")
	delta: dict = {}
	for month, nodes in sorted(pairs.items()):
		nodes = sorted(nodes)
		first = getdate(f"{month // 100}-{month % 100:02d}-01")
		month_days = (first, getdate(get_last_day(first)))
		true = node_counts(source, count_by_node_day(source, days=month_days, nodes=nodes))
		children = (
			frappe.qb.from_(J).select(J.name, J.parent_jurisdiction).where(J.parent_jurisdiction.isin(nodes)).run()
		)
		parent_of = dict(children)
		wanted = set(nodes)
		own: dict = {}
		for node, day, figure, n in (
			frappe.qb.from_(M)
			.select(M.jurisdiction, M.day, M.figure, M["count"])
			.where((M.source == source.key) & (M.month == month) & M.jurisdiction.isin([*nodes, *parent_of]))
			.run()
		):
			# a node's row counts for itself; a child's row against its parent (a node can be both)
			for at, sign in ((node, 1), (parent_of.get(node), -1)):
				if at in wanted:
					key = (source.key, at, month, int(day), figure)
					own[key] = own.get(key, 0) + sign * int(n)
		for key in set(true) | set(own):
			n = true.get(key, 0) - own.get(key, 0)
			if n:
				delta[key] = delta.get(key, 0) + n
	if delta:
		write_summary(rolled_up(delta, chain), increment=True)
	return len(delta)


def replace_summary(source_keys: list[str]) -> int:
	"""Per source one aggregate over its table (per case node and day), rolled up the tree and compared
	a month at a time (that month's day rows and its month row) with the rows stored for the source
	and month (one covering range of the `(source, month, jurisdiction, day, figure, count)` index):
	the rows whose count differs are written, those no longer counted deleted. The counts held at
	once are one month's, whatever the years of cases (the aggregate's rows, at most one per case node
	and day with a case, are read whole, as lists). Returns the number of rows written and deleted."""
	M = frappe.qb.DocType(SUMMARY)
	chain = ancestors_of()
	changed = 0
	for key in source_keys:
		source = SOURCE_BY_KEY[key]
		rows = count_by_node_day(source)
		rows.sort(key=lambda row: int(row[1]))
		by_month = {month: list(days) for month, days in groupby(rows, key=lambda row: int(row[1]) // 100)}
		stored_months = (
			frappe.qb.from_(M).select(M.month).distinct().where(M.source == key).run(pluck=True)
		)
		for month in sorted(set(by_month) | set(stored_months)):
			counts = rolled_up(node_counts(source, by_month.get(month, [])), chain)
			stored = dict(
				frappe.qb.from_(M)
				.select(M.name, M["count"])
				.where((M.source == key) & (M.month == month))
				.run()
			)
			named = {summary_name(*row_key): row_key for row_key in counts}
			differing = {
				row_key: counts[row_key] for name, row_key in named.items() if stored.get(name) != counts[row_key]
			}
			write_summary(differing, increment=False)
			stale = sorted(set(stored) - set(named))
			for start in range(0, len(stale), 2000):
				frappe.qb.from_(M).delete().where(M.name.isin(stale[start : start + 2000])).run()
			changed += len(differing) + len(stale)
	return changed


# ---------------------------------------------------------------------------------------------
# The case lifecycle


def case_counts(doctype: str, name: str) -> dict:
	"""What one case counts towards, as stored now: {(source, node, month, day, figure): n}."""
	out = {}
	for source in SOURCES:
		if source.doctype == doctype:
			out.update(node_counts(source, count_by_node_day(source, name)))
	return out


def apply_change(before: dict, after: dict) -> None:
	"""Add a case's change (what it counts after less what it counted before) to the summary."""
	delta = {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after)}
	delta = {key: n for key, n in delta.items() if n}
	if delta:
		write_summary(rolled_up(delta, ancestors_of(whole_tree=False)), increment=True)


def before_case_change(doc, method=None):
	"""doc_events before_save / on_trash: what the case counted before this write (from the tables,
	which still hold it)."""
	doc.flags.measure_counts_before = case_counts(doc.doctype, doc.name) if doc.name else {}
	if method == "on_trash":
		apply_change(doc.flags.measure_counts_before, {})


def on_case_change(doc, method=None):
	"""doc_events on_update: the difference this save made, in its own transaction."""
	before = doc.flags.pop("measure_counts_before", None)
	if before is None:  # saved without before_save (db_update paths): counted from scratch is unknown
		return
	apply_change(before, case_counts(doc.doctype, doc.name))


class direct_write:
	"""`with direct_write(doctype, name): frappe.db.set_value(...)` — for code that writes a case's
	fields around its document (test data, backdating): the summary follows the write."""

	def __init__(self, doctype: str, name: str):
		self.doctype, self.name = doctype, name

	def __enter__(self):
		self.before = case_counts(self.doctype, self.name)
		return self

	def __exit__(self, exc_type, *exc):
		if exc_type is None:
			apply_change(self.before, case_counts(self.doctype, self.name))
		return False


def on_category_change(doc, method=None):
	"""A Case Category that becomes (or stops being) law-related changes every month's and day's count of
	law-related petitions filed under it."""
	if doc.has_value_changed("is_law_related"):
		replace_summary(["petition_reported"])  # in the category's transaction


def on_tree_change(doc, method=None):
	"""A node moved under another parent: the subtree counts above it change. A new node has no cases
	and changes nothing (Frappe's `has_value_changed` is true of every field of a new document, and in
	its `on_update` `is_new()` is false already: a grid made at city scale cost a whole recount)."""
	before = doc.get_doc_before_save()
	if before is not None and before.get("parent_jurisdiction") != doc.get("parent_jurisdiction"):
		replace_summary([source.key for source in SOURCES])
