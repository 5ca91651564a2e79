"""The demo case generator (the demo app's `demo_data.cases.ensure_demo_cases`) on the district profile and a small demo
registry: every case type gets cases, a second call writes nothing, the SLA job has overdue work, early
warnings fire, and a village user sees only their village's cases.

The generator commits story by story, so the test cannot roll back: it remembers the names in every table
before it starts and deletes every row added since (profile, registry, staff users, cases and their
history), then rebuilds the jurisdiction tree. Run it on its own database if you like:
`XQ_TEST_DB=xinqu_test_democases scripts/test tests/test_demo_cases.py -q`.
"""

from pathlib import Path

import frappe
import pytest
from frappe.utils import add_days, get_datetime, now_datetime
from frappe.utils.nestedset import rebuild_tree

from xinqu_demo.demo_data.cases import MARK_FIELD, ensure_demo_cases
from xinqu_demo.demo_data.registry import ensure_demo_data
from xinqu_governance.profile import apply_profile

REPO = Path(__file__).resolve().parents[1]
# the smallest registry that puts residents into two villages (幸福村 and 和谐村): a village user then has
# a neighbouring village whose cases they must not see
REGISTRY_SCALE = 200
CASE_TYPES = list(MARK_FIELD)


def table_names() -> dict[str, set]:
	"""{table: names} of every table of the site with a `name` column."""
	tables = frappe.db.sql_list(
		"""select table_name from information_schema.columns
		where table_schema = database() and column_name = 'name' and table_name like 'tab%%'"""
	)
	return {table: set(frappe.db.sql_list(f"select name from `{table}`")) for table in tables}


def delete_rows_added_since(before: dict[str, set]) -> None:
	for table, names in table_names().items():
		added = list(names - before.get(table, set()))
		for start in range(0, len(added), 1000):
			frappe.db.sql(
				f"delete from `{table}` where name in %(names)s", {"names": added[start : start + 1000]}
			)
	frappe.db.commit()
	rebuild_tree("Jurisdiction")
	frappe.db.commit()
	frappe.clear_cache()


@pytest.fixture(scope="module")
def demo():
	frappe.set_user("Administrator")
	before = table_names()
	# the one value of an existing record the generator changes: the round-robin pointer of the units
	pointers = dict(frappe.get_all("Handling Unit", fields=["name", "last_assigned_user"], as_list=True))
	try:
		apply_profile(str(REPO))
		frappe.db.commit()
		ensure_demo_data(scale=REGISTRY_SCALE)
		frappe.db.commit()
		first = ensure_demo_cases()
		second = ensure_demo_cases()
		yield frappe._dict(first=first, second=second)
	finally:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		delete_rows_added_since(before)
		for unit, user in pointers.items():
			frappe.db.set_value("Handling Unit", unit, "last_assigned_user", user, update_modified=False)
		frappe.db.commit()


def marked(doctype: str, **filters) -> int:
	return frappe.db.count(doctype, {MARK_FIELD[doctype]: ("like", "%〔示例数据 %"), **filters})  # noqa: RUF001


def test_every_case_type_gets_cases_without_errors(demo):
	assert demo.first["errors"] == []
	assert not demo.first.get("skipped")
	for doctype in CASE_TYPES:
		assert frappe.db.count(doctype) > 0, doctype
	assert marked("Dispute") >= 30
	assert marked("Petition") >= 10
	assert marked("Service Request") >= 15
	assert marked("Grid Event") >= 8
	# triaged grid events made cases of their own
	assert frappe.db.count("Grid Event", {"triaged_to": ("is", "set")}) >= 1
	assert frappe.db.count("Dispute", {"how_found": "Grid Report", "source_event": ("is", "set")}) >= 1


def test_second_call_writes_nothing(demo):
	assert demo.second["created"] == {}
	assert demo.second["staff_created"] == 0
	assert demo.second["skipped_stories"] == demo.second["stories"] > 0
	assert "sla_job" not in demo.second
	assert demo.second["totals"] == demo.first["totals"]


def test_cases_run_through_the_workflows_and_levels(demo):
	assert frappe.db.count("Dispute", {"workflow_state": "Concluded"}) > frappe.db.count(
		"Dispute", {"workflow_state": "Mediation at Village"}
	)
	assert frappe.db.count("Dispute", {"workflow_state": "Concluded", "handling_level": "Village"}) > 0
	assert frappe.db.count("Dispute", {"workflow_state": "Concluded", "handling_level": "Town"}) > 0
	assert frappe.db.count("Dispute", {"handling_level": ("in", ["District", "County"])}) > 0
	assert frappe.db.count("Dispute", {"people_involved": (">=", 50)}) >= 2
	major = frappe.get_all(
		"Dispute", filters={"is_major_case": 1, "workflow_state": "Concluded"}, pluck="risk_assessment"
	)
	assert major and all(major)
	assert frappe.db.get_value("Stability Risk Assessment", major[0], "is_approved") == 1
	assert frappe.db.count("Petition", {"is_group": 1}) >= 1
	assert frappe.db.count("Petition", {"repeat_count": (">=", 3)}) >= 1
	assert frappe.db.count("Petition", {"is_skip_level": 1}) >= 1
	assert len(set(frappe.get_all("Petition", pluck="channel"))) >= 3  # petitions come by several channels
	done = frappe.db.count("Service Request", {"is_done": 1})
	assert done > frappe.db.count("Service Request") / 2
	assert frappe.db.count("Emergency Incident", {"workflow_state": "Concluded"}) == 1
	assert frappe.db.count("Supervision", {"kind": "Yellow Card", "status": "Open"}) == 1


def test_history_is_spread_over_the_last_90_days_and_consistent(demo):
	now = now_datetime()
	for doctype in CASE_TYPES:
		for row in frappe.get_all(
			doctype, fields=["name", "reported_on", "creation", "state_entered_on", "closed_on"]
		):
			assert get_datetime(row.reported_on) <= now, row
			assert get_datetime(row.creation) <= now, row
			assert get_datetime(row.state_entered_on) >= get_datetime(row.reported_on), row
			if row.closed_on:
				assert get_datetime(row.closed_on) >= get_datetime(row.reported_on), row
	oldest = frappe.get_all("Dispute", fields=["reported_on"], order_by="reported_on asc", limit=1)[0]
	assert get_datetime(oldest.reported_on) < add_days(now, -60)
	assert frappe.db.count("Dispute", {"closed_on": (">", add_days(now, -7))}) < frappe.db.count(
		"Dispute", {"closed_on": ("is", "set")}
	)


def test_sla_job_and_early_warnings_have_work(demo):
	assert demo.first["sla_job"]["overdue"] >= 1
	assert demo.first["sla_job"]["escalated"] >= 1
	overdue = sum(
		frappe.db.count(doctype, {"sla_status": "Overdue", "closed_on": ("is", "not set"), "is_withdrawn": 0})
		for doctype in CASE_TYPES
	)
	assert overdue >= 1
	for rule_type in ("Repeated Subject", "People Involved", "Overdue Case"):
		assert frappe.db.count("Early Warning", {"rule_type": rule_type}) >= 1, rule_type
	repeated_parties = frappe.db.get_value("Early Warning Rule", {"subject_field": "parties.citizen_id"})
	assert frappe.db.count("Early Warning", {"rule": repeated_parties}) >= 1

	from xinqu_governance.cases.report.overdue_queue.overdue_queue import execute

	frappe.set_user("townofficer@xinqu.example")
	_columns, rows = execute({"jurisdiction": "小峡镇"})
	assert any(row.sla_status == "Overdue" for row in rows)


def test_village_user_sees_only_their_village(demo):
	lft, rgt = frappe.db.get_value("Jurisdiction", "幸福村", ["lft", "rgt"])
	village = set(
		frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")
	)
	elsewhere = 0
	for doctype in ("Dispute", "Petition", "Service Request", "Grid Event"):
		elsewhere += frappe.db.count(doctype, {"jurisdiction": ("not in", list(village))})
	assert elsewhere > 0  # there are cases the village user must not see

	frappe.set_user("villagestaff@xinqu.example")
	seen = 0
	for doctype in ("Dispute", "Petition", "Service Request", "Grid Event"):
		rows = frappe.get_list(doctype, fields=["name", "jurisdiction"], limit_page_length=0)
		assert {row.jurisdiction for row in rows} <= village, doctype
		seen += len(rows)
	assert seen > 0


def test_the_demo_villages_have_their_three_in_one_seats(demo):
	"""§27(2): the village staff member is secretary, director and station head where the demo has
	staff; 振兴村's station is run by someone else on purpose, and the roster says so."""
	from xinqu_governance.registry import three_in_one

	assert demo.second["three_in_one_bodies_seated"] == 0
	roster = {(row.village, row.seat): row for row in three_in_one.village_roster(["幸福村", "和谐村", "振兴村"])}
	for village in ("幸福村", "和谐村"):
		holders = {roster[(village, seat)].user for _body, seat in three_in_one.REQUIRED_SEATS}
		assert len(holders) == 1 and None not in holders, village
		assert [roster[(village, seat)].problem for _body, seat in three_in_one.REQUIRED_SEATS] == ["", "", ""]
	assert roster[("幸福村", "Secretary")].user == "villagestaff@xinqu.example"
	assert roster[("振兴村", "Station Head")].problem == three_in_one.NOT_CROSS_APPOINTED
