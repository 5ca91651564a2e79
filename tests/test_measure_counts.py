"""Governance Measures' summary (Measure Count, cases/measure_counts.py) kept by the case lifecycle: after
a random sequence of saves and deletes of cases it holds what a rebuild from the case tables counts
(month rows and day rows), and the report read from it gives the numbers of an aggregation over the
cases computed here, in Python, for whole months and for periods that cut months (month to date, a
previous period 2 Oct–31 Oct, a period across a year's end) — without a query on a case table."""

import random
import re
from contextlib import contextmanager

import frappe
import pytest
from frappe.utils import add_days, get_first_day, getdate, nowdate

from xinqu_governance.cases.edit_rights import mark_system_write
from xinqu_governance.cases.measure_counts import (
	SOURCES,
	Scope,
	count_by_node_day,
	node_counts,
	rebuild_measure_counts,
	rolled_up,
	split_period,
)
from xinqu_governance.cases.report.governance_measures.governance_measures import execute, gather_figures

from tests.case_factories import case_profile, make_case, new_tree, purge_cases, stage, unique  # noqa: F401
from tests.factories import purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture(scope="module")
def tree(case_profile):
	"""One staged tree for the module (its users are deleted afterwards: Frappe throttles sites that
	create more than 60 users an hour); the tests add cases to it and compare what they add."""
	t = stage(new_tree())
	frappe.db.commit()
	yield t
	purge_cases(t)
	purge_tree(t, users=t.users)
	rebuild_measure_counts()  # the purge deleted rows directly

PM, AM, JM = "People's Mediation", "Administrative Mediation", "Judicial Mediation"
TYPES = {"people": PM, "admin": AM, "judicial": JM}
RESULTS = ("Continued", "Agreement", "Partial Agreement", "Mediation Failed")
OUTCOMES = ("", "Agreement", "Partial Agreement", "Mediation Failed", "Referred to Court")
RATINGS = ("", "Satisfied", "Basically Satisfied", "Dissatisfied")
LEVELS = ("Village", "Town", "District", "County")
# seven months across a year's end, 2024-10 .. 2025-04
MONTHS = ((2024, 10, 31), (2024, 11, 30), (2024, 12, 31), (2025, 1, 31), (2025, 2, 28), (2025, 3, 31), (2025, 4, 30))
DAYS = [f"{y}-{m:02d}-{d:02d}" for y, m, last in MONTHS for d in range(1, last + 1)]
CASE_TABLES = re.compile(r"`tab(Dispute|Dispute Party|Mediation Session|Petition|Service Request|Emergency Incident)`")


def moment(rng):
	return f"{rng.choice(DAYS)} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00"


def system_save(doc, **values):
	"""Save through the controller and the doc events, as the code paths owning these fields do
	(a case is never closed before it was reported: other modules check that of every case)."""
	doc.update(values)
	if doc.get("closed_on") and str(doc.closed_on) < str(doc.reported_on):
		doc.closed_on, doc.reported_on = doc.reported_on, doc.closed_on
	mark_system_write(doc)
	doc.save(ignore_permissions=True)
	return doc


def random_lifecycle(tree, rng, steps: int) -> None:
	"""`steps` saves and deletes, each committed as a request's would be."""
	nodes = [tree.village_a1, tree.village_a2, tree.grid_a1, tree.village_b1, tree.town_a]
	cases = []
	for _step in range(steps):
		frappe.db.commit()
		action = rng.random()
		if action < 0.3 or not cases:
			doctype = rng.choice(("Dispute", "Dispute", "Petition", "Service Request", "Emergency Incident"))
			fields = {}
			if doctype == "Dispute":
				fields["parties"] = [{"party_name": unique("当事人"), "satisfaction": rng.choice(RATINGS)}]
			elif doctype == "Petition":
				fields["channel"] = "Visit"
			elif doctype == "Emergency Incident":
				fields["kind"] = rng.choice(("Group or Mass Incident", "Public Security"))
			doc = make_case(doctype, rng.choice(nodes), **fields)
			system_save(doc, reported_on=moment(rng))
			cases.append((doctype, doc.name))
			continue
		doctype, name = rng.choice(cases)
		doc = frappe.get_doc(doctype, name)
		if action < 0.45:
			values = {"closed_on": moment(rng) if rng.random() < 0.8 else None}
			if doctype == "Dispute":
				values.update(
					outcome=rng.choice(OUTCOMES), mediation_type=rng.choice(("", PM, AM, JM)),
					handling_level=rng.choice(LEVELS),
				)
			elif doctype in ("Petition", "Service Request"):
				values["self_rating"] = rng.choice(RATINGS)
				if doctype == "Petition":
					values["satisfaction"] = rng.choice(RATINGS)
			system_save(doc, **values)
		elif action < 0.6 and doctype == "Dispute":
			doc.append(
				"mediation_sessions",
				{"mediation_type": rng.choice((PM, AM, JM)), "result": rng.choice(RESULTS), "session_on": moment(rng)},
			)
			if doc.parties and rng.random() < 0.5:
				doc.parties[0].satisfaction = rng.choice(RATINGS)
			system_save(doc)
		elif action < 0.7 and doctype == "Dispute" and doc.mediation_sessions:
			session = rng.choice(doc.mediation_sessions)
			session.session_on, session.result = moment(rng), rng.choice(RESULTS)
			system_save(doc)
		elif action < 0.78:
			system_save(doc, reported_on=moment(rng))
		elif action < 0.84 and doctype == "Dispute":
			system_save(doc, turned_criminal=1, turned_criminal_on=rng.choice(DAYS))
		elif action < 0.9:
			system_save(doc, is_withdrawn=1 - (doc.is_withdrawn or 0))
		elif action < 0.95:
			system_save(doc, jurisdiction=rng.choice(nodes))
		else:
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
			cases.remove((doctype, name))


def stored_summary(nodes) -> dict:
	M = frappe.qb.DocType("Measure Count")
	rows = (
		frappe.qb.from_(M)
		.select(M.source, M.jurisdiction, M.month, M.day, M.figure, M["count"])
		.where(M.jurisdiction.isin(nodes) & (M["count"] != 0))
		.run()
	)
	return {(source, node, month, day, figure): n for source, node, month, day, figure, n in rows}


def rebuilt_summary(nodes) -> dict:
	"""What a rebuild writes for `nodes`: each node's subtree counted from the case tables."""
	out = {}
	for source in SOURCES:
		counts = rolled_up(node_counts(source, count_by_node_day(source)))
		out.update({key: n for key, n in counts.items() if key[1] in nodes and n})
	return out


def in_days(value, period) -> bool:
	return bool(value) and period[0] <= str(value)[:10] <= period[1]


def python_figures(nodes, period) -> dict:
	"""The report's figures over `nodes`, counted here from the documents."""
	out = dict.fromkeys(
		("concluded", "village", "town", "district", "civil", "criminal", "mass", "staff_answered",
		 "staff_satisfied", "own_answered", "own_satisfied", "law_related", "skip_level"), 0)
	for t in TYPES:
		out[f"{t}_mediated"] = out[f"{t}_agreed"] = 0
	satisfied = ("Satisfied", "Basically Satisfied")
	answered = (*satisfied, "Dissatisfied")
	levels = {"village": ("Village",), "town": ("Village", "Town"), "district": ("Village", "Town", "District")}
	for name in frappe.get_all("Dispute", filters={"jurisdiction": ("in", nodes), "is_withdrawn": 0}, pluck="name"):
		d = frappe.get_doc("Dispute", name)
		out["civil"] += in_days(d.reported_on, period)
		out["criminal"] += bool(d.turned_criminal) and in_days(d.turned_criminal_on, period)
		ended = [s for s in d.mediation_sessions if s.result in ("Agreement", "Partial Agreement", "Mediation Failed")]
		for s in ended:
			if in_days(s.session_on, period):
				for t, value in TYPES.items():
					out[f"{t}_mediated"] += s.mediation_type == value
					out[f"{t}_agreed"] += s.mediation_type == value and s.result == "Agreement"
		if not in_days(d.closed_on, period):
			continue
		out["concluded"] += 1
		for key, held in levels.items():
			out[key] += d.outcome == "Agreement" and d.handling_level in held
		if not ended:
			for t, value in TYPES.items():
				out[f"{t}_mediated"] += d.mediation_type == value
				out[f"{t}_agreed"] += d.mediation_type == value and d.outcome == "Agreement"
		for p in d.parties:
			out["staff_answered"] += p.satisfaction in answered
			out["staff_satisfied"] += p.satisfaction in satisfied
	for doctype in ("Petition", "Service Request"):
		for d in frappe.get_all(
			doctype, filters={"jurisdiction": ("in", nodes), "is_withdrawn": 0}, fields=["*"]
		):
			if doctype == "Petition" and in_days(d.reported_on, period):
				law = d.category and frappe.db.get_value("Case Category", d.category, "is_law_related")
				out["law_related"] += bool(law)
				out["skip_level"] += bool(d.is_skip_level)
			if not in_days(d.closed_on, period):
				continue
			out["own_answered"] += d.self_rating in answered
			out["own_satisfied"] += d.self_rating in satisfied
			if doctype == "Petition" and not d.self_rating:
				out["staff_answered"] += d.satisfaction in answered
				out["staff_satisfied"] += d.satisfaction in satisfied
	out["mass"] = sum(
		in_days(e.reported_on, period)
		for e in frappe.get_all(
			"Emergency Incident",
			filters={"jurisdiction": ("in", nodes), "is_withdrawn": 0, "kind": "Group or Mass Incident"},
			fields=["reported_on"],
		)
	)
	return out


@contextmanager
def case_table_queries():
	"""The queries run inside the block that name a case table the summary counts (frappe.db.sql
	watched, not replaced: every query still runs)."""
	seen, sql = [], frappe.db.sql

	def watched(query, *args, **kwargs):
		if CASE_TABLES.search(str(query)):
			seen.append(str(query))
		return sql(query, *args, **kwargs)

	frappe.db.sql = watched
	try:
		yield seen
	finally:
		frappe.db.sql = sql


def report_totals(scope, period, from_summary=True) -> dict:
	with case_table_queries() as queries:
		figures = gather_figures(scope, {"p": period}, from_summary=from_summary)
	# the summary's path reads no case table; the raw one does (or this check could not fail)
	assert bool(queries) == (not from_summary), queries[:1]
	total = {}
	for bucket in figures.values():
		for key, n in bucket.items():
			total[key] = total.get(key, 0) + n
	return total


PERIODS = (
	("2025-01-01", "2025-04-30"),  # four whole months
	("2025-02-01", "2025-02-28"),  # one whole month
	("2025-01-17", "2025-03-09"),  # a month and the days either side of it
	("2025-03-05", "2025-03-20"),  # days inside one month
	("2024-10-02", "2024-10-31"),  # the previous period of November: days to a month's end
	("2024-12-20", "2025-01-10"),  # days across a year's end
	("2024-11-15", "2025-02-10"),  # whole months across a year's end and the days either side
)


def test_split_period_into_whole_months_and_days():
	assert split_period("2025-03-01", "2025-03-31") == ((202503, 202503), [])
	months, days = split_period("2025-01-29", "2025-02-28")
	assert months == (202502, 202502) and [tuple(map(str, d)) for d in days] == [("2025-01-29", "2025-01-31")]
	months, days = split_period("2025-12-01", "2025-12-03")
	assert months is None and [tuple(map(str, d)) for d in days] == [("2025-12-01", "2025-12-03")]
	months, days = split_period("2024-11-15", "2025-02-10")
	assert months == (202412, 202501)
	assert [tuple(map(str, d)) for d in days] == [("2024-11-15", "2024-11-30"), ("2025-02-01", "2025-02-10")]


@pytest.mark.parametrize("seed", [1, 2])
def test_summary_kept_by_the_lifecycle_equals_the_raw_aggregation(tree, seed):
	t = tree
	rng = random.Random(seed)
	random_lifecycle(t, rng, 70)
	frappe.db.commit()  # and the recount after the commit
	lft, rgt = frappe.db.get_value("Jurisdiction", t.city, ["lft", "rgt"])
	nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")

	stored = stored_summary(nodes)
	assert stored, "the lifecycle wrote no summary"
	assert stored == rebuilt_summary(nodes)

	scope = Scope(t.town_a, *frappe.db.get_value("Jurisdiction", t.town_a, ["lft", "rgt"]))
	town_nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", scope.lft), "rgt": ("<=", scope.rgt)}, pluck="name")
	for period in PERIODS:
		expected = python_figures(town_nodes, period)
		from_summary = report_totals(scope, period)
		raw = report_totals(scope, period, from_summary=False)
		for key, n in expected.items():
			assert from_summary.get(f"p_{key}", 0) == n, (period, key)
			assert raw.get(f"p_{key}", 0) == n, (period, key)

	# the report's own periods: November against 2 Oct–31 Oct, read without a case table
	with case_table_queries() as queries:
		rows = execute(frappe._dict(jurisdiction=t.town_a, from_date="2024-11-01", to_date="2024-11-30"))[1]
	assert not queries
	top = {r["measure"]: r for r in rows if r["indent"] == 0}
	for period, column in ((("2024-11-01", "2024-11-30"), "this_period"), (("2024-10-02", "2024-10-31"), "previous_period")):
		expected = python_figures(town_nodes, period)
		assert top["Civil Cases"][column] == expected["civil"], period
		assert top["Mass Incidents"][column] == expected["mass"], period

	# the rebuild (the daily job) writes what the lifecycle kept; the report reads the same rows
	before = execute(frappe._dict(jurisdiction=t.town_a, from_date="2025-02-01", to_date="2025-03-31"))[1]
	rebuild_measure_counts()
	assert stored_summary(nodes) == stored
	after = execute(frappe._dict(jurisdiction=t.town_a, from_date="2025-02-01", to_date="2025-03-31"))[1]
	assert before == after


def test_a_rolled_back_save_leaves_the_summary_as_it_was(tree):
	t = tree
	nodes = [t.village_a2]
	march, may = ("dispute_concluded", t.village_a2, 202503, 0, "concluded"), ("dispute_concluded", t.village_a2, 202505, 0, "concluded")
	on_10_march, on_10_may = (
		("dispute_concluded", t.village_a2, 202503, 20250310, "concluded"),
		("dispute_concluded", t.village_a2, 202505, 20250510, "concluded"),
	)
	start = stored_summary(nodes)
	doc = make_case("Dispute", t.village_a2, parties=[{"party_name": unique("当事人"), "satisfaction": "Satisfied"}])
	system_save(doc, reported_on="2025-03-02 09:00:00", closed_on="2025-03-10 10:00:00", outcome="Agreement")
	frappe.db.commit()
	kept = stored_summary(nodes)
	assert kept[march] == start.get(march, 0) + 1
	assert kept[on_10_march] == start.get(on_10_march, 0) + 1
	system_save(frappe.get_doc("Dispute", doc.name), closed_on="2025-05-10 10:00:00")
	moved = stored_summary(nodes)
	assert (moved.get(march, 0), moved.get(may, 0)) == (kept[march] - 1, kept.get(may, 0) + 1)
	assert (moved.get(on_10_march, 0), moved.get(on_10_may, 0)) == (kept[on_10_march] - 1, kept.get(on_10_may, 0) + 1)
	frappe.db.rollback()
	assert stored_summary(nodes) == kept
	frappe.delete_doc("Dispute", doc.name, ignore_permissions=True, force=True)
	frappe.db.commit()
	assert stored_summary(nodes) == start == rebuilt_summary(nodes)


def test_a_category_turning_law_related_recounts_its_petitions(tree):
	t = tree
	category = frappe.get_doc(
		{"doctype": "Case Category", "category_name": unique("测试信访类别"), "used_for": [{"case_type": "Petition"}], "is_law_related": 0}
	).insert(ignore_permissions=True)
	doc = make_case("Petition", t.village_a1, channel="Visit", category=category.name)
	system_save(doc, reported_on="2025-03-02 09:00:00")
	rows = {r["measure"]: r["this_period"] for r in execute(
		frappe._dict(jurisdiction=t.town_a, from_date="2025-03-01", to_date="2025-03-31"))[1] if r["indent"] == 0}
	law_related = rows["Law-related Petitions"]
	category.is_law_related = 1
	category.save(ignore_permissions=True)
	rows = {r["measure"]: r["this_period"] for r in execute(
		frappe._dict(jurisdiction=t.town_a, from_date="2025-03-01", to_date="2025-03-31"))[1] if r["indent"] == 0}
	assert rows["Law-related Petitions"] == law_related + 1



def test_a_new_node_recounts_nothing_and_a_moved_one_moves_its_counts(tree, monkeypatch):
	"""A new grid has no cases: the summary is not counted again for it (at city scale a recount takes
	minutes). A village moved to another town takes its cases' counts there."""
	from xinqu_governance.cases import measure_counts

	t = tree
	recounts = []
	recount = measure_counts.replace_summary
	monkeypatch.setattr(measure_counts, "replace_summary", lambda keys: recounts.append(keys) or recount(keys))
	try:
		frappe.get_doc(
			{"doctype": "Jurisdiction", "jurisdiction_name": unique("新网格"), "level": "Grid", "parent_jurisdiction": t.village_a1}
		).insert(ignore_permissions=True)
		assert recounts == []
		make_case("Dispute", t.village_a2)
		village = frappe.get_doc("Jurisdiction", t.village_a2)
		village.parent_jurisdiction = t.town_b
		village.save(ignore_permissions=True)
		assert len(recounts) == 1
		nodes = [t.town_a, t.town_b, t.village_a2]
		assert stored_summary(nodes) == rebuilt_summary(nodes)
	finally:
		frappe.db.rollback()


def test_a_case_closed_today_moves_todays_day_row_and_the_month_to_date(tree):
	"""The report's default period (month to date) is day rows only: a case reported and closed today
	moves today's rows (and the month's) in the save, and the default report shows it without reading
	a case table."""
	t = tree
	today = getdate(nowdate())
	day, month = today.year * 10000 + today.month * 100 + today.day, today.year * 100 + today.month
	key = ("dispute_concluded", t.village_a2, month, day, "concluded")
	month_key = ("dispute_concluded", t.village_a2, month, 0, "concluded")
	town_key = ("dispute_reported", t.town_a, month, day, "civil")
	scope = Scope(t.town_a, *frappe.db.get_value("Jurisdiction", t.town_a, ["lft", "rgt"]))
	town_nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", scope.lft), "rgt": ("<=", scope.rgt)}, pluck="name")
	start = stored_summary([t.village_a2, t.town_a])

	doc = make_case("Dispute", t.village_a2, parties=[{"party_name": unique("当事人"), "satisfaction": "Satisfied"}])
	now = f"{today} 08:00:00"
	system_save(doc, reported_on=now, closed_on=now, outcome="Agreement", handling_level="Village")
	petition = make_case("Petition", t.grid_a1, channel="Visit")
	system_save(petition, reported_on=now, closed_on=f"{today} 09:00:00", self_rating="Satisfied")
	frappe.db.commit()
	kept = stored_summary([t.village_a2, t.town_a])
	assert kept[key] == start.get(key, 0) + 1
	assert kept[month_key] == start.get(month_key, 0) + 1
	assert kept[town_key] == start.get(town_key, 0) + 1  # rolled up to the town, today

	month_to_date = (str(get_first_day(today)), str(today))
	expected = python_figures(town_nodes, month_to_date)
	assert expected["concluded"] >= 1 and expected["own_satisfied"] >= 1
	totals = report_totals(scope, month_to_date)
	for figure, n in expected.items():
		assert totals.get(f"p_{figure}", 0) == n, figure
	with case_table_queries() as queries:
		rows = execute(frappe._dict(jurisdiction=t.town_a))[1]  # the default period: month to date
	assert not queries
	top = {r["measure"]: r for r in rows if r["indent"] == 0}
	assert top["Civil Cases"]["this_period"] == expected["civil"]
	assert top["Satisfaction Rate (Residents' Own Ratings)"]["this_period"] == 100.0

	# closed a day earlier instead: today's row gives the case back to that day's
	earlier = add_days(today, -1)
	earlier_key = ("dispute_concluded", t.village_a2, earlier.year * 100 + earlier.month,
		earlier.year * 10000 + earlier.month * 100 + earlier.day, "concluded")
	before = stored_summary([t.village_a2])
	system_save(frappe.get_doc("Dispute", doc.name), reported_on=f"{earlier} 07:00:00", closed_on=f"{earlier} 08:00:00")
	frappe.db.commit()
	moved = stored_summary([t.village_a2])
	assert moved.get(key, 0) == before[key] - 1
	assert moved[earlier_key] == before.get(earlier_key, 0) + 1
	assert stored_summary(town_nodes) == rebuilt_summary(town_nodes)
	for name, doctype in ((doc.name, "Dispute"), (petition.name, "Petition")):
		frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
	frappe.db.commit()
	assert stored_summary([t.village_a2, t.town_a]) == start


def concluded_dispute(t, village: str, reported_on: str, closed_on: str):
	"""A committed dispute of `village` concluded by agreement, with a satisfied party; and the nodes of
	the tree."""
	doc = make_case("Dispute", village, parties=[{"party_name": unique("当事人"), "satisfaction": "Satisfied"}])
	system_save(doc, reported_on=reported_on, closed_on=closed_on, outcome="Agreement")
	frappe.db.commit()
	lft, rgt = frappe.db.get_value("Jurisdiction", t.city, ["lft", "rgt"])
	return doc, frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")


def test_the_patch_counts_the_day_rows_of_an_existing_summary_on_its_new_index(tree):
	"""A site whose summary has month rows only (the `day` column 0 on them) and the former index: the
	patch drops that index, counts both grains again, and the month rows keep their names."""
	from xinqu_governance.cases.measure_counts import OLD_SUMMARY_INDEX, SUMMARY_INDEX, summary_name
	from xinqu_governance.patches.v1_0 import measure_counts_by_day

	t = tree
	doc, nodes = concluded_dispute(t, t.village_a1, "2025-03-02 09:00:00", "2025-03-10 10:00:00")
	kept = stored_summary(nodes)
	month_row = ("dispute_concluded", t.village_a1, 202503, 0, "concluded")
	assert frappe.db.get_value("Measure Count", summary_name(*month_row), "count") == kept[month_row]
	frappe.db.sql("delete from `tabMeasure Count` where `day` != 0")
	frappe.db.add_index("Measure Count", list(OLD_SUMMARY_INDEX))
	frappe.db.commit()
	assert frappe.db.has_index("tabMeasure Count", frappe.db.get_index_name(list(OLD_SUMMARY_INDEX)))
	assert all(key[3] == 0 for key in stored_summary(nodes))

	measure_counts_by_day.execute()
	assert not frappe.db.has_index("tabMeasure Count", frappe.db.get_index_name(list(OLD_SUMMARY_INDEX)))
	assert frappe.db.has_index("tabMeasure Count", frappe.db.get_index_name(list(SUMMARY_INDEX)))
	assert stored_summary(nodes) == kept == rebuilt_summary(nodes)
	assert frappe.db.get_value("Measure Count", summary_name(*month_row), "count") == kept[month_row]
	frappe.delete_doc("Dispute", doc.name, ignore_permissions=True, force=True)
	frappe.db.commit()


def test_the_rebuild_writes_only_the_rows_that_differ(tree):
	"""The daily rebuild compares each source's month (its day rows and month row) with what is stored:
	run again on what it wrote it writes nothing; a count changed behind its back and a row
	no case counts towards are put right, and nothing else is touched."""
	t = tree
	doc, nodes = concluded_dispute(t, t.village_b1, "2025-02-02 09:00:00", "2025-02-11 10:00:00")
	rebuild_measure_counts()  # the site's rows settled (the lifecycle leaves rows counted down to 0)
	assert rebuild_measure_counts() == 0
	kept = stored_summary(nodes)

	from xinqu_governance.cases.measure_counts import summary_name, write_summary

	day_row = ("dispute_concluded", t.village_b1, 202502, 20250211, "concluded")
	frappe.db.set_value("Measure Count", summary_name(*day_row), "count", kept[day_row] + 5, update_modified=False)
	stray = ("dispute_reported", t.village_b1, 201901, 20190105, "civil")  # no case on that day
	write_summary({stray: 3}, increment=False)
	frappe.db.commit()
	untouched = frappe.db.get_value("Measure Count", summary_name("dispute_reported", t.village_b1, 202502, 20250202, "civil"), "modified")
	assert rebuild_measure_counts() == 2
	assert stored_summary(nodes) == kept == rebuilt_summary(nodes)
	assert not frappe.db.exists("Measure Count", summary_name(*stray))
	assert frappe.db.get_value("Measure Count", summary_name("dispute_reported", t.village_b1, 202502, 20250202, "civil"), "modified") == untouched
	frappe.delete_doc("Dispute", doc.name, ignore_permissions=True, force=True)
	frappe.db.commit()


def test_the_daily_repair_puts_right_the_cases_written_around_their_documents(tree):
	"""The daily job counts again only the node months of the cases written since its last run (by
	their `modified`): a case's fields set around its document (`frappe.db.set_value`: closed on
	another day and failed, withdrawn) are put right there and up the tree, for a village and a grid
	below it in the same month; a summary row changed behind everyone's back, of a node month no case
	was written in since, is the weekly rebuild's to put right, not the daily repair's."""
	from xinqu_governance.cases.measure_counts import (
		OLD_REBUILD_INDEX,
		REBUILD_INDEX,
		REPAIRED_AT,
		repair_measure_counts,
		summary_name,
	)

	t = tree
	for doctype in ("Dispute", "Petition", "Service Request", "Emergency Incident"):  # what it reads by
		assert frappe.db.has_index(f"tab{doctype}", "modified"), doctype
	# the summary's rows of a source, month and nodes: one covering range (it replaced the rebuild's own)
	assert frappe.db.has_index("tabMeasure Count", frappe.db.get_index_name(list(REBUILD_INDEX)))
	assert not frappe.db.has_index("tabMeasure Count", frappe.db.get_index_name(list(OLD_REBUILD_INDEX)))
	village, nodes = concluded_dispute(t, t.village_a1, "2025-02-02 09:00:00", "2025-02-11 10:00:00")
	grid, _nodes = concluded_dispute(t, t.grid_a1, "2025-02-03 09:00:00", "2025-02-12 10:00:00")
	untouched, _nodes = concluded_dispute(t, t.village_b1, "2024-12-02 09:00:00", "2024-12-05 10:00:00")
	# written a week ago: not a case the daily repair reads
	frappe.db.set_value("Dispute", untouched.name, "modified", add_days(nowdate(), -7), update_modified=False)
	rebuild_measure_counts()
	assert frappe.db.get_global(REPAIRED_AT)
	assert repair_measure_counts() == 0  # the lifecycle kept every save
	settled = stored_summary(nodes)
	assert settled == rebuilt_summary(nodes)

	stray = ("dispute_concluded", t.village_b1, 202412, 20241205, "concluded")
	frappe.db.set_value("Measure Count", summary_name(*stray), "count", settled[stray] + 5, update_modified=False)
	frappe.db.set_value("Dispute", village.name, {"closed_on": "2025-02-20 10:00:00", "outcome": "Mediation Failed"})
	frappe.db.set_value("Dispute", grid.name, "is_withdrawn", 1)
	frappe.db.commit()
	wrong = stored_summary(nodes)
	truth = rebuilt_summary(nodes)
	for key in (
		("dispute_concluded", t.village_a1, 202502, 20250211, "concluded"),
		("dispute_concluded", t.village_a1, 202502, 20250220, "concluded"),
		("dispute_concluded", t.grid_a1, 202502, 20250212, "concluded"),
		("dispute_concluded", t.town_a, 202502, 0, "village"),
		("dispute_party", t.city, 202502, 0, "staff_satisfied"),
	):
		assert wrong.get(key, 0) != truth.get(key, 0), key

	assert repair_measure_counts() > 0
	repaired = stored_summary(nodes)
	assert {k: n for k, n in repaired.items() if k != stray} == {k: n for k, n in truth.items() if k != stray}
	assert repaired[stray] == settled[stray] + 5  # not a case written since the last run
	assert repair_measure_counts() == 0

	rebuild_measure_counts()  # the weekly job: every case counted again (and rows counted down to 0 deleted)
	assert stored_summary(nodes)[stray] == settled[stray]
	assert stored_summary(nodes) == rebuilt_summary(nodes)
	for doc in (village, grid, untouched):
		frappe.delete_doc("Dispute", doc.name, ignore_permissions=True, force=True)
	frappe.db.commit()
