"""Governance Measures (三不出、四提高、五下降): every number of the report worked out by hand from a small
tree and a handful of cases in two periods.

This period is March 2025 (31 days), so the previous period is the 31 days before it:
2025-01-29 .. 2025-02-28. Cases are inserted through their controllers; the dates, outcome, mediation
type, handling level and withdrawal are then set by a direct update (test data only), which bypasses
the case lifecycle that keeps the report's summary: `write_directly` adds the difference it makes, as
the lifecycle would.
"""

import frappe
import pytest

from xinqu_governance.cases.measure_counts import SOURCES, direct_write, replace_summary
from xinqu_governance.cases.report.governance_measures.governance_measures import execute, get_periods

from tests.case_factories import PASSWORD, as_user, case_profile, make_case, new_tree, purge_cases, stage, unique  # noqa: F401
from tests.factories import purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")

THIS = {"from_date": "2025-03-01", "to_date": "2025-03-31"}

VILLAGE = "Resolved at Village Level (Minor Matters Stay in the Village)"
TOWN = "Resolved at Town Level or Below (Major Matters Stay in the Town)"
DISTRICT = "Resolved at District Level or Below (Hard Matters Stay in the District)"
PEOPLE = "Success Rate of People's Mediation"
ADMIN = "Success Rate of Administrative Mediation"
JUDICIAL = "Success Rate of Judicial Mediation"


def write_directly(doctype, name, values):
	with direct_write(doctype, name):
		frappe.db.set_value(doctype, name, values)


def dispute(node, *, parties=(), **values):
	doc = make_case(
		"Dispute",
		node,
		parties=[{"party_name": unique("当事人"), "satisfaction": s} for s in parties],
	)
	write_directly("Dispute", doc.name, values)
	return doc.name


def petition(node, reported_on, category=None, skip=False, withdrawn=0):
	levels = {"matter_level": "Village", "petitioned_at_level": "County" if skip else "Village"}
	doc = make_case("Petition", node, category=category, channel="Visit", **levels)
	assert doc.is_skip_level == int(skip)  # set by the controller from the two levels
	write_directly("Petition", doc.name, {"reported_on": reported_on, "is_withdrawn": withdrawn})
	return doc.name


def incident(node, kind, reported_on):
	doc = make_case("Emergency Incident", node, kind=kind)
	write_directly("Emergency Incident", doc.name, {"reported_on": reported_on})
	return doc.name


def category(law_related: int) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Case Category",
				"category_name": unique("测试信访类别"),
				"used_for": [{"case_type": "Petition"}],
				"is_law_related": law_related,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


@pytest.fixture
def cases():
	t = stage(new_tree())
	a1, a2, b1, g1 = t.village_a1, t.village_a2, t.village_b1, t.grid_a1
	S, B, D = "Satisfied", "Basically Satisfied", "Dissatisfied"
	agree = "Agreement"
	pm, am, jm = "People's Mediation", "Administrative Mediation", "Judicial Mediation"
	# name: node, level, outcome, mediation, parties' satisfaction, reported_on, closed_on, withdrawn
	rows = {
		"d1": (a1, "Village", agree, pm, (S, B), "2025-03-02 09:00:00", "2025-03-20 10:00:00", 0),
		"d2": (g1, "Town", agree, am, (D, ""), "2025-02-20 09:00:00", "2025-03-21 10:00:00", 0),
		"d3": (a2, "District", agree, jm, (S,), "2025-03-05 09:00:00", "2025-03-22 10:00:00", 0),
		"d4": (a1, "Village", "Mediation Failed", pm, (D,), "2025-03-01 00:00:00", "2025-03-23 10:00:00", 0),
		"d5": (b1, "County", agree, pm, (S,), "2025-03-06 09:00:00", "2025-03-24 10:00:00", 0),
		"d6": (a1, "Village", "Partial Agreement", am, (), "2025-01-10 09:00:00", "2025-03-31 23:59:59", 0),
		"d7": (a1, "Village", agree, pm, (S,), "2025-03-03 09:00:00", "2025-03-25 10:00:00", 1),
		"d8": (a2, "Village", "", "", (), "2025-03-10 09:00:00", None, 0),
		"p1": (a1, "Village", agree, pm, (S,), "2025-01-30 09:00:00", "2025-02-10 10:00:00", 0),
		"p2": (a2, "Town", "Referred to Court", jm, (D,), "2025-01-15 09:00:00", "2025-02-28 23:30:00", 0),
		"x1": (a1, "Village", agree, pm, (S,), "2025-03-31 23:59:59", "2025-04-01 00:00:00", 0),
	}
	for node, level, outcome, mediation, parties, reported, closed, withdrawn in rows.values():
		dispute(
			node,
			parties=[p for p in parties if p] + ([] if all(parties) else [None]),
			handling_level=level,
			outcome=outcome,
			mediation_type=mediation,
			reported_on=reported,
			closed_on=closed,
			is_withdrawn=withdrawn,
		)
	law, plain = category(1), category(0)
	petition(a1, "2025-03-03 09:00:00", law)  # pt1: this, law-related
	petition(a2, "2025-03-04 09:00:00", law, skip=True)  # pt2: this, law-related + skip-level
	petition(a1, "2025-02-01 09:00:00", plain, skip=True)  # pt3: previous, skip-level
	petition(b1, "2025-03-05 09:00:00", law, skip=True)  # pt4: town B
	petition(a1, "2025-02-15 09:00:00", law, withdrawn=1)  # pt5: withdrawn
	petition(g1, "2025-03-20 09:00:00")  # pt6: no category, not skip-level
	mass = "Group or Mass Incident"
	incident(a1, mass, "2025-03-07 09:00:00")  # i1: this
	incident(a2, "Public Security", "2025-03-08 09:00:00")  # i2: another kind
	incident(a1, mass, "2025-02-10 09:00:00")  # i3: previous
	incident(a1, mass, "2025-02-11 09:00:00")  # i4: previous
	incident(b1, mass, "2025-03-09 09:00:00")  # i5: town B
	return t


def run(jurisdiction, **period):
	"""The measures over the whole jurisdiction (the tree's top rows)."""
	columns, rows, message, chart = execute(frappe._dict(jurisdiction=jurisdiction, **(period or THIS)))
	assert [c["fieldname"] for c in columns][:7] == [
		"measure",
		"group",
		"this_period",
		"previous_period",
		"change",
		"unit",
		"direction",
	]
	assert message and chart["data"]["labels"]
	return {
		r["measure"]: (r["this_period"], r["previous_period"], r["change"], r["direction"])
		for r in rows
		if r["indent"] == 0
	}


def below(jurisdiction, measure, **period):
	"""The rows under `measure`: {node: (this period, previous period)}."""
	_columns, rows, _message, _chart = execute(frappe._dict(jurisdiction=jurisdiction, **(period or THIS)))
	(top,) = [r for r in rows if r["indent"] == 0 and r["measure"] == measure]
	return {r["jurisdiction"]: r["this_period"] for r in rows if r["parent_row"] == top["row_id"]}


def test_periods_are_of_equal_length_back_to_back():
	this, previous = get_periods(frappe._dict(THIS))
	assert [str(d) for d in this + previous] == ["2025-03-01", "2025-03-31", "2025-01-29", "2025-02-28"]
	_this, previous = get_periods(frappe._dict(from_date="2025-03-10", to_date="2025-03-10"))
	assert [str(d) for d in previous] == ["2025-03-09", "2025-03-09"]
	with pytest.raises(frappe.ValidationError):
		get_periods(frappe._dict(from_date="2025-03-02", to_date="2025-03-01"))


def test_town_measures(cases):
	rows = run(cases.town_a)
	# town A, concluded this period (closed in March, not withdrawn): d1 d2 d3 d4 d6 = 5
	# (d5 is in town B, d7 withdrawn, x1 closed on 1 April); resolved (Agreement): d1 Village, d2 Town,
	# d3 District. Previous: p1 (Agreement, Village), p2 (Referred to Court, closed 28 Feb 23:30) = 2.
	assert rows[VILLAGE] == (20.0, 50.0, -30.0, "Up")  # 1/5 vs 1/2
	assert rows[TOWN] == (40.0, 50.0, -10.0, "Up")  # 2/5 vs 1/2
	assert rows[DISTRICT] == (60.0, 50.0, 10.0, "Up")  # 3/5 vs 1/2
	# mediation: people's d1 ok, d4 failed = 1/2; p1 1/1. administrative d2 ok, d6 partial = 1/2;
	# none before. judicial d3 1/1; p2 0/1.
	assert rows[PEOPLE] == (50.0, 100.0, -50.0, "Up")
	assert rows[ADMIN] == (50.0, None, None, "Up")
	assert rows[JUDICIAL] == (100.0, 0.0, 100.0, "Up")
	# satisfaction: d1 S+B, d2 D (+1 unanswered), d3 S, d4 D -> 3 of 5 answered; p1 S, p2 D -> 1/2
	assert rows["Satisfaction Rate"] == (60.0, 50.0, 10.0, "Up")
	# civil cases reported in March: d1 d3 d4 (1 March 00:00) d8 x1 (31 March 23:59:59) = 5;
	# 29 Jan .. 28 Feb: d2 p1 = 2 (p2 and d6 earlier, d7 withdrawn, d5 town B)
	assert rows["Civil Cases"] == (5, 2, 3, "Down")
	assert rows["Civil Cases Turned Criminal"] == (0, 0, 0, "Down")
	# law-related petitions: pt1 pt2 (pt4 town B, pt5 withdrawn) vs none; skip-level: pt2 vs pt3
	assert rows["Law-related Petitions"] == (2, 0, 2, "Down")
	assert rows["Skip-level Petitions"] == (1, 1, 0, "Down")
	# mass incidents: i1 vs i3 i4 (i2 another kind, i5 town B)
	assert rows["Mass Incidents"] == (1, 2, -1, "Down")

	_c, data, _m, _chart = execute(frappe._dict(jurisdiction=cases.town_a, **THIS))
	(village,) = [r for r in data if r["measure"] == VILLAGE]
	assert village["note"] == "1 of 5; previous 1 of 2"


def test_county_includes_both_towns(cases):
	rows = run(cases.county)
	# + d5 (town B, County level, Agreement, people's, S): 6 concluded, village 1, town 2, district 3
	assert rows[VILLAGE][:2] == (16.7, 50.0)
	assert rows[DISTRICT][:2] == (50.0, 50.0)
	assert rows[PEOPLE][:2] == (66.7, 100.0)  # d1 d5 of d1 d4 d5
	assert rows["Satisfaction Rate"][:2] == (66.7, 50.0)  # 4 of 6
	assert rows["Civil Cases"][:2] == (6, 2)
	assert rows["Law-related Petitions"][:2] == (3, 0)
	assert rows["Skip-level Petitions"][:2] == (2, 1)
	assert rows["Mass Incidents"][:2] == (2, 2)


def test_village_user_sees_only_their_subtree(cases):
	with as_user(cases.staff_a1):
		rows = run(cases.village_a1)
		for other in (cases.village_a2, cases.town_a, cases.village_b1):
			with pytest.raises(frappe.PermissionError):
				execute(frappe._dict(jurisdiction=other, **THIS))
	# village A1 and its grid: concluded d1 d2 d4 d6 (resolved d1 Village, d2 Town); previous p1
	assert rows[VILLAGE] == (25.0, 100.0, -75.0, "Up")
	assert rows[TOWN] == (50.0, 100.0, -50.0, "Up")
	assert rows[DISTRICT] == (50.0, 100.0, -50.0, "Up")
	assert rows[PEOPLE] == (50.0, 100.0, -50.0, "Up")
	assert rows[ADMIN] == (50.0, None, None, "Up")
	assert rows[JUDICIAL] == (None, None, None, "Up")
	assert rows["Satisfaction Rate"] == (50.0, 100.0, -50.0, "Up")  # S B D D of 4; S of 1
	assert rows["Civil Cases"] == (3, 2, 1, "Down")  # d1 d4 x1; d2 p1
	assert rows["Law-related Petitions"] == (1, 0, 1, "Down")  # pt1
	assert rows["Skip-level Petitions"] == (0, 1, -1, "Down")  # pt3
	assert rows["Mass Incidents"] == (1, 2, -1, "Down")


def test_jurisdiction_is_required_of_a_user_without_a_node_when_there_are_several_trees():
	"""Without the filter the report covers the user's own node (see tests/test_report_roles.py); an
	administrator has none, and with two trees there is no single root to fall back on."""
	new_tree()
	new_tree()
	with pytest.raises(frappe.ValidationError, match="Choose a jurisdiction"):
		execute(frappe._dict(THIS))


def sessions_dispute(node, sessions, *, closed_on=None, mediation_type="", outcome=""):
	"""A dispute with mediation sessions [(type, result, session_on)]; closed and typed as given."""
	doc = make_case(
		"Dispute",
		node,
		parties=[{"party_name": unique("当事人")}],
		mediation_sessions=[
			{"mediation_type": mtype, "result": result, "session_on": on} for mtype, result, on in sessions
		],
	)
	values = {"reported_on": "2025-02-01 09:00:00", "mediation_type": mediation_type, "outcome": outcome}
	if closed_on:
		values["closed_on"] = closed_on
	write_directly("Dispute", doc.name, values)
	return doc.name


def test_every_mediation_counts_by_its_own_type_and_result():
	"""A failed people's mediation followed by a successful administrative one counts in both rates."""
	t = stage(new_tree())
	pm, am, jm = "People's Mediation", "Administrative Mediation", "Judicial Mediation"
	# s1: people's failed, then administrative agreed, both in March; closed as administrative
	sessions_dispute(
		t.village_a1,
		[(pm, "Continued", "2025-03-02 10:00:00"), (pm, "Mediation Failed", "2025-03-03 10:00:00"),
		 (am, "Agreement", "2025-03-10 10:00:00")],
		closed_on="2025-03-11 10:00:00", mediation_type=am, outcome="Agreement",
	)
	# s2: people's agreed in February (previous period), still open; judicial partial in March
	sessions_dispute(
		t.village_a2,
		[(pm, "Agreement", "2025-02-20 10:00:00"), (jm, "Partial Agreement", "2025-03-15 10:00:00")],
	)
	# s3: only "Continued" sessions: no mediation has ended; closed in March as people's Agreement, so it
	# counts once by its own type and outcome
	sessions_dispute(
		t.grid_a1, [(pm, "Continued", "2025-03-04 10:00:00")],
		closed_on="2025-03-20 10:00:00", mediation_type=pm, outcome="Agreement",
	)
	rows = run(t.town_a)
	assert rows[PEOPLE][:3] == (50.0, 100.0, -50.0)  # March: s1 failed, s3 agreed; February: s2 agreed
	assert rows[ADMIN][:3] == (100.0, None, None)  # s1
	assert rows[JUDICIAL][:3] == (0.0, None, None)  # s2 partial
	# per village: A1 holds s1 and s3 (its grid), A2 none in March
	assert below(t.town_a, PEOPLE) == {t.village_a1: 50.0, t.village_a2: None}
	assert below(t.town_a, ADMIN) == {t.village_a1: 100.0, t.village_a2: None}


def test_turned_criminal_is_recorded_on_a_concluded_dispute_and_counted():
	from frappe.utils import add_days, today

	from xinqu_governance.cases.turned_criminal import record_turned_criminal

	t = stage(new_tree())
	name = dispute(t.village_a1, handling_level="Village", outcome="Mediation Failed",
		reported_on="2025-03-01 09:00:00", closed_on="2025-03-05 10:00:00")
	before = frappe.get_doc("Dispute", name).as_dict()
	with as_user(t.staff_a1):
		for bad in ({"turned_criminal_on": add_days(today(), 1), "criminal_case_reference": "公刑立字〔2025〕12号"},
					{"turned_criminal_on": "2025-03-20", "criminal_case_reference": " "},
					{"turned_criminal_on": "2025-02-01", "criminal_case_reference": "公刑立字〔2025〕12号"}):
			with pytest.raises(frappe.ValidationError):
				record_turned_criminal(name, **bad)
	assert frappe.db.get_value("Dispute", name, "turned_criminal") == 0
	with as_user(t.staff_b1), pytest.raises(frappe.PermissionError):  # another town's village
		record_turned_criminal(name, "2025-03-20", "公刑立字〔2025〕12号")
	with as_user(t.staff_a1):
		record_turned_criminal(name, "2025-03-20", "公刑立字〔2025〕12号")
	after = frappe.get_doc("Dispute", name)
	assert (after.turned_criminal, str(after.turned_criminal_on), after.criminal_case_reference) == (
		1, "2025-03-20", "公刑立字〔2025〕12号")
	assert after.workflow_state == before.workflow_state and after.outcome == "Mediation Failed"
	assert frappe.db.exists("Comment", {"reference_name": name, "content": ("like", "%2025年3月20日%")})
	assert run(t.town_a)["Civil Cases Turned Criminal"] == (1, 0, 1, "Down")
	assert run(t.town_a, from_date="2025-04-01", to_date="2025-04-30")["Civil Cases Turned Criminal"][:2] == (0, 1)


def test_satisfaction_takes_residents_own_ratings_first_and_shows_each_source():
	t = stage(new_tree())
	S, B, D = "Satisfied", "Basically Satisfied", "Dissatisfied"
	march = "2025-03-15 10:00:00"
	# disputes: parties recorded by staff S, D
	dispute(t.village_a1, parties=(S, D), handling_level="Village", outcome="Agreement",
		reported_on="2025-03-01 09:00:00", closed_on=march)
	# petitions closed in March: own B over staff D (own wins); staff S only; own D only; no rating
	for own, staff in ((B, D), ("", S), (D, ""), ("", "")):
		doc = make_case("Petition", t.village_a1, channel="Visit")
		write_directly("Petition", doc.name, {"self_rating": own, "satisfaction": staff, "closed_on": march})
	# a service request rated by its applicant
	doc = make_case("Service Request", t.village_a2)
	write_directly("Service Request", doc.name, {"self_rating": S, "closed_on": march})
	rows = run(t.town_a)
	# own: B, D (petitions), S (service request) = 2 of 3; staff: S D (parties) + S (petition) = 2 of 3
	assert rows["Satisfaction Rate (Residents' Own Ratings)"][0] == 66.7
	assert rows["Satisfaction Rate (Recorded by Staff)"][0] == 66.7
	assert rows["Satisfaction Rate"][0] == 66.7  # 4 of 6
	assert below(t.town_a, "Satisfaction Rate") == {t.village_a1: 60.0, t.village_a2: 100.0}


def test_periods_that_cut_months_are_read_from_the_summary_alone(cases):
	"""This period (March) is a whole month, the previous one (29 Jan – 28 Feb) cuts January; 5–22 March
	and its previous period (15 Feb – 4 Mar) are days only. The cases' rows changed behind the
	summary's back (raw SQL, as no save would) change none of the report's numbers — it read no case
	table — until the summary is counted again from them."""
	t = cases
	periods = (THIS, {"from_date": "2025-03-05", "to_date": "2025-03-22"})
	before = [run(t.county, **period) for period in periods]
	assert before[0]["Civil Cases"][:2] == (6, 2) and before[1]["Civil Cases"][:2] == (3, 3)
	assert before[0]["Mass Incidents"][:2] == (2, 2)
	nodes = frappe.get_all(
		"Jurisdiction",
		filters={"lft": (">=", frappe.db.get_value("Jurisdiction", t.county, "lft")),
				 "rgt": ("<=", frappe.db.get_value("Jurisdiction", t.county, "rgt"))},
		pluck="name",
	)
	for table in ("Dispute", "Petition", "Emergency Incident"):
		frappe.db.sql(f"update `tab{table}` set is_withdrawn = 1 where jurisdiction in %s", [nodes])
	frappe.db.sql("update `tabDispute Party` set satisfaction = 'Dissatisfied' where parenttype = 'Dispute'")
	assert [run(t.county, **period) for period in periods] == before
	replace_summary([source.key for source in SOURCES])  # in the test's transaction, rolled back after it
	after = [run(t.county, **period) for period in periods]
	assert after[0]["Civil Cases"][:2] == after[1]["Civil Cases"][:2] == (0, 0)


def test_rows_below_each_measure_are_the_next_level_and_add_up(cases):
	assert run(cases.county)["Civil Cases"][0] == 6
	assert below(cases.county, "Civil Cases") == {cases.town_a: 5, cases.town_b: 1}
	assert below(cases.town_a, VILLAGE) == {cases.village_a1: 25.0, cases.village_a2: 0.0}
	# a village with cases at itself and at its grid: the village's own row first, then the grid
	assert list(below(cases.village_a1, "Civil Cases").items()) == [(cases.village_a1, 3), (cases.grid_a1, 0)]
	assert below(cases.grid_a1, "Civil Cases") == {}  # a grid has nothing below it
	_columns, _rows, _message, chart = execute(frappe._dict(jurisdiction=cases.county, **THIS))
	assert chart["type"] == "bar" and len(chart["data"]["datasets"]) == 2
	assert len(chart["data"]["labels"]) == len(chart["data"]["datasets"][0]["values"]) == 9


def test_excel_export_keeps_the_chinese_headers(cases, live_server, http_login):
	"""A village officer exports the measures of their village over HTTP (Frappe's report export): the
	headers and the indicators are in Chinese, the numbers those of the report."""
	frappe.db.commit()  # the live server reads the cases
	try:
		rows = exported_rows(cases, live_server, http_login(cases.staff_a1, PASSWORD))
	finally:
		frappe.db.rollback()
		purge_cases(cases)
		purge_tree(cases, users=cases.users)
	assert rows[0][:4] == [zh("Indicator"), zh("Group"), zh("This Period"), zh("Previous Period")]
	village = next(row for row in rows if row[0] == zh(VILLAGE))
	assert village[2:4] == [25.0, 100.0]


def exported_rows(cases, live_server, session) -> list[list]:
	import io
	import re

	from openpyxl import load_workbook

	token = re.search(
		r'name="csrf_token" value="([^"]*)"', session.get(f"{live_server}/petition", timeout=30).text
	).group(1)
	response = session.post(
		f"{live_server}/api/method/frappe.desk.query_report.export_query",
		data={
			"report_name": "Governance Measures",
			"file_format_type": "Excel",
			"filters": frappe.as_json({"jurisdiction": cases.village_a1, **THIS}),
			"visible_idx": "[]",
			"include_indentation": 0,
		},
		headers={"X-Frappe-CSRF-Token": token},
		timeout=60,
	)
	assert response.status_code == 200, response.text[:500]
	sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
	return [[cell.value for cell in row] for row in sheet.iter_rows()]


def zh(text: str) -> str:
	return frappe._(text, lang="zh")
