"""Every DocType of the app opens in Frappe's desk, in Chromium, at 1280x800 and 390x844: its list,
a new form and an existing record, with no console error, no failed request and no error dialog.

The DocTypes are read from the app's folders, so a new DocType is tested without touching this file.
Child tables open inside their parent's form; Singles have only a form. The records opened are the
newest of each DocType after the module's fixture has staged a jurisdiction tree, its people, units,
a household and a case of each type (profile records such as SLA rules exist already).
"""

import json
import os
from pathlib import Path

import frappe
import pytest
from xinqu_governance.portal.tracking import generate_tracking_code

from tests.case_factories import case_profile, make_case, purge_cases, stage  # noqa: F401
from tests.desk import SCREENS, SIZES, desk_as
from tests.factories import (
	make_building,
	make_compound,
	make_household,
	make_jurisdiction_tree,
	purge_tree,
	unique,
)

APP = Path(__file__).resolve().parents[1] / "apps" / "xinqu_governance" / "xinqu_governance"
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "admin")


def app_doctypes() -> list[dict]:
	doctypes = []
	for path in sorted(APP.glob("*/doctype/*/*.json")):
		if path.stem != path.parent.name:
			continue
		meta = json.loads(path.read_text())
		if meta.get("doctype") == "DocType" and not meta.get("istable"):
			doctypes.append({"name": meta["name"], "single": bool(meta.get("issingle"))})
	return doctypes


DOCTYPES = app_doctypes()


def insert(created: list, values: dict) -> str:
	doc = frappe.get_doc(values)
	if doc.meta.has_field("is_active"):
		doc.is_active = 0  # a rule staged here must not act on other tests' cases
	doc.insert(ignore_permissions=True)
	created.append((doc.doctype, doc.name))
	return doc.name


def stage_one_of_each(tree, people, created: list) -> None:
	"""A record of every DocType the tree's factories do not make already."""
	compound = make_compound(tree.village_a1)
	make_building(compound, floors=2, units=1, per_floor=1)
	make_household(tree.grid_a1, members=3)
	cases = {dt: make_case(dt, tree.village_a1) for dt in ("Dispute", "Petition", "Service Request", "Grid Event")}
	make_case("Emergency Incident", tree.village_a1)
	make_case("Stability Risk Assessment", tree.village_a1)
	dispute = cases["Dispute"].name
	in_a_week = frappe.utils.add_days(frappe.utils.now_datetime(), 7)
	case = {"case_doctype": "Dispute", "case_name": dispute, "jurisdiction": tree.village_a1}
	supervision = insert(
		created, {"doctype": "Supervision", "kind": "Ordinary", "deadline": in_a_week, "instruction": "请限期办结", **case}
	)
	insert(created, {"doctype": "Accountability Record", "supervision": supervision, **case})
	insert(created, {"doctype": "Early Warning", "message": "同一事项反复出现", **case})
	insert(
		created,
		{
			"doctype": "Public Submission",
			"tracking_code": generate_tracking_code(),
			"submission_type": "Petition",
			"reference_doctype": "Petition",
			"reference_name": cases["Petition"].name,
			"jurisdiction": tree.village_a1,
		},
	)
	insert(created, {"doctype": "Facility", "facility_name": unique("测试服务站"), "facility_type": "Village Service Station", "floor_area": 600, "jurisdiction": tree.village_a1})
	insert(created, {"doctype": "Organisation", "organisation_name": unique("测试村委会"), "org_type": "Village Committee", "jurisdiction": tree.village_a1})
	insert(created, {"doctype": "Village Decision", "matter": unique("测试议题"), "is_major_decision": 1, "meeting_date": frappe.utils.today(), "jurisdiction": tree.village_a1})
	if not frappe.db.exists("Grid Profile", tree.grid_a1):
		insert(created, {"doctype": "Grid Profile", "jurisdiction": tree.grid_a1})
	insert(created, {"doctype": "Case Category", "category_name": unique("测试类别")})
	insert(created, {"doctype": "Routing Rule", "rule_name": unique("测试分派"), "territory": tree.town_a, "handling_level": "Village"})
	insert(created, {"doctype": "SLA Rule", "rule_name": unique("测试时限"), "case_doctype": "Dispute", "resolution_hours": 72, "on_breach": "Escalate automatically"})
	insert(created, {"doctype": "Early Warning Rule", "rule_name": unique("测试预警"), "rule_type": "Overdue Case", "case_doctype": "Dispute", "overdue_hours": 48, "level": "Blue"})
	resident = frappe.get_all("Resident", filters={"jurisdiction": tree.grid_a1}, pluck="name", limit=1)[0]
	insert(created, {"doctype": "Personal Data Reveal", "user": "Administrator", "revealed_on": frappe.utils.now_datetime(), "reason": "核对", "reference_doctype": "Resident", "reference_name": resident, "field_doctype": "Resident", "fieldname": "citizen_id"})


@pytest.fixture(scope="module")
def staged(case_profile):  # noqa: F811
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	people = stage(tree)
	created = []
	stage_one_of_each(tree, people, created)
	frappe.db.commit()
	yield people
	frappe.db.rollback()
	for doctype, name in reversed(created):
		frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.commit()
	purge_cases(tree)
	purge_tree(tree, users=people.users)


@pytest.fixture(scope="module")
def desks(chromium, live_server, staged):
	"""One logged-in tab per screen size, reused across the DocTypes (the desk is a single page)."""
	pages = {name: desk_as(chromium, live_server, "Administrator", ADMIN_PASSWORD, size) for name, size in SIZES.items()}
	yield pages
	for desk in pages.values():
		desk.page.context.close()


def newest(doctype: str) -> str | None:
	frappe.db.rollback()
	names = frappe.get_all(doctype, order_by="creation desc", limit=1, pluck="name")
	return names[0] if names else None


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("doctype", DOCTYPES, ids=[d["name"] for d in DOCTYPES])
def test_the_doctype_opens_in_the_desk(doctype, size, desks):
	desk = desks[size]
	desk.take_problems()
	name = doctype["name"]
	SCREENS.mkdir(parents=True, exist_ok=True)
	if doctype["single"]:
		desk.open_form(name, name)
		assert desk.take_problems() == [], f"{name} (Single) at {size}"
		return

	desk.open_list(name)
	assert desk.take_problems() == [], f"list of {name} at {size}"
	desk.open_new(name)
	assert desk.take_problems() == [], f"new {name} at {size}"
	record = newest(name)
	assert record, f"no {name} to open: stage one in the module fixture"
	desk.open_form(name, record)
	assert desk.take_problems() == [], f"{name} {record} at {size}"
	desk.screenshot(SCREENS / f"{name.lower().replace(' ', '_')}_{size}.png")
