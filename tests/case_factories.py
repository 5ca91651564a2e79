"""Factories of the case tests: the case workflows loaded from the profile, a small jurisdiction tree
with users holding roles at its nodes, handling units and cases. Everything carries a random tag.

The workflows and the two workflow Custom Fields (`required_level`, `closes_case`) are applied once per
session from the repository's profile files and committed (adding a Custom Field is DDL, which
commits anyway); they are configuration, identical to what the district profile installs. Everything
else is rolled back after each test unless a test commits for the live server, in which case it
calls `purge_cases` / `purge_tree` afterwards.
"""

import json
import shutil
from pathlib import Path

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from tests.factories import (
	PASSWORD,
	make_jurisdiction_tree,
	make_resident,
	make_user_at,
	purge_registry,
	unique,
)

REPO = Path(__file__).resolve().parents[1]
CASE_DOCTYPES = (
	"Dispute",
	"Petition",
	"Service Request",
	"Grid Event",
	"Stability Risk Assessment",
	"Emergency Incident",
)
CHILD_TABLES = {
	"Dispute": ("Dispute Party", "Mediation Session"),
	"Stability Risk Assessment": ("Risk Measure",),
	"Emergency Incident": ("Incident Response Log",),
}

__all__ = [
	"CASE_DOCTYPES",
	"PASSWORD",
	"act",
	"approved_assessment_of",
	"as_user",
	"case_profile",
	"clear_portal_rate_limits",
	"make_case",
	"make_resident",
	"make_unit",
	"purge_cases",
	"shipped_sla_rules",
	"stage",
	"unique",
	"write_case_profile",
]


def write_case_profile(target: Path) -> Path:
	"""A profile folder holding only the case workflows and the workflow Custom Fields."""
	(target / "fixtures").mkdir(parents=True, exist_ok=True)
	shutil.copy(REPO / "fixtures" / "custom_field.json", target / "fixtures" / "custom_field.json")
	shutil.copytree(REPO / "workflows", target / "workflows", dirs_exist_ok=True)
	return target


@pytest.fixture(scope="session")
def case_profile(tmp_path_factory):
	"""The case workflows of the district profile, applied and committed once per session."""
	from xinqu_governance.profile import apply_profile

	frappe.set_user("Administrator")
	apply_profile(write_case_profile(tmp_path_factory.mktemp("case_profile")))
	frappe.db.commit()
	frappe.clear_cache()
	return True


class _AsUser:
	def __init__(self, user: str):
		self.user = user

	def __enter__(self):
		frappe.set_user(self.user)
		return self

	def __exit__(self, *exc):
		frappe.set_user("Administrator")


def as_user(user: str) -> _AsUser:
	"""`with as_user(u):` runs a block as `u`, back to Administrator afterwards."""
	return _AsUser(user)


def stage(tree: frappe._dict) -> frappe._dict:
	"""The nodes of `tree` (see tests/factories.make_jurisdiction_tree), users holding roles at them and
	the territorial handling units (so routing has a unit at every level):

	- grid_worker at grid A1; staff_a1 / staff_a2 / staff_b1: Village Staff of villages A1 / A2 / B1;
	- officer_a / officer_b: Town Officers of towns A / B;
	- district_officer: Town Officer at towns A and B, member of the District unit at the city node;
	- county_officer: County Officer at the county; city_supervisor: City Supervisor at the city.
	"""
	from xinqu_governance.tests.factories import make_assignment

	people = frappe._dict(tree)
	people.grid_worker = make_user_at("Grid Worker", tree.grid_a1, prefix="xq-case-grid")
	people.staff_a1 = make_user_at("Village Staff", tree.village_a1, prefix="xq-case-va1")
	people.staff_a2 = make_user_at("Village Staff", tree.village_a2, prefix="xq-case-va2")
	people.staff_b1 = make_user_at("Village Staff", tree.village_b1, prefix="xq-case-vb1")
	people.officer_a = make_user_at("Town Officer", tree.town_a, prefix="xq-case-ta")
	people.officer_b = make_user_at("Town Officer", tree.town_b, prefix="xq-case-tb")
	people.district_officer = make_user_at("Town Officer", tree.town_a, prefix="xq-case-dist")
	make_assignment(people.district_officer, "Town Officer", tree.town_b)
	people.county_officer = make_user_at("County Officer", tree.county, prefix="xq-case-cty")
	people.city_supervisor = make_user_at("City Supervisor", tree.city, prefix="xq-case-city")

	people.unit_a1 = make_unit("Village", tree.village_a1, members=[people.staff_a1])
	people.unit_a2 = make_unit("Village", tree.village_a2, members=[people.staff_a2])
	people.unit_b1 = make_unit("Village", tree.village_b1, members=[people.staff_b1])
	people.unit_town_a = make_unit("Town", tree.town_a, members=[people.officer_a])
	people.unit_town_b = make_unit("Town", tree.town_b, members=[people.officer_b])
	people.district_unit = make_unit("District", tree.city, members=[people.district_officer])
	people.unit_county = make_unit("County", tree.county, members=[people.county_officer])
	people.users = [
		people.grid_worker,
		people.staff_a1,
		people.staff_a2,
		people.staff_b1,
		people.officer_a,
		people.officer_b,
		people.district_officer,
		people.county_officer,
		people.city_supervisor,
	]
	return people


def make_unit(level: str, jurisdiction: str, members=(), supervisor: str | None = None, **fields) -> str:
	"""An active handling unit (Comprehensive Governance unless `department` is given) whose `members`
	take its cases; `supervisor`, one of them, is its supervisor."""
	fields.setdefault("department", "Comprehensive Governance")
	unit_type = {
		"Village": "Village Service Station",
		"Town": "Town Centre",
		"District": "District Centre",
		"County": "County Department",
		"City": "City Leading Group",
	}[level]
	return (
		frappe.get_doc(
			{
				"doctype": "Handling Unit",
				"unit_name": unique(f"测试{level}单位"),
				"unit_type": unit_type,
				"level": level,
				"jurisdiction": jurisdiction,
				"members": [{"user": user, "is_supervisor": int(user == supervisor)} for user in members],
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_case(doctype: str, jurisdiction: str, user: str | None = None, **fields):
	"""Insert a case (as `user`, with their permissions, when given)."""
	values = {"doctype": doctype, "jurisdiction": jurisdiction, "subject": unique("测试事项"), **fields}
	if doctype == "Petition":
		values.setdefault("content", "反映安置房分配问题")
		values.setdefault("petitioner_name", unique("信访人"))
	elif doctype == "Service Request":
		values.setdefault("service_type", "Pension")
		values.setdefault("applicant_name", unique("申请人"))
	elif doctype == "Grid Event":
		values.setdefault("event_type", "Dispute Lead")
	elif doctype == "Stability Risk Assessment":
		values.setdefault("subject_type", "Major Decision")
		values.setdefault("risk_field", "Resettlement")
	elif doctype == "Emergency Incident":
		values.setdefault("kind", "Group or Mass Incident")
	doc = frappe.get_doc(values)
	if user:
		with as_user(user):
			return doc.insert()
	return doc.insert(ignore_permissions=True)


def act(doc, action: str, user: str):
	"""Take a workflow action as `user`; returns the reloaded document."""
	with as_user(user):
		apply_workflow(frappe.get_doc(doc.doctype, doc.name), action)
	return frappe.get_doc(doc.doctype, doc.name)


def approved_assessment_of(case, people: frappe._dict, risk_level: str, measure: str):
	"""A stability risk assessment of the major `case` (at its jurisdiction, one measure), submitted by
	the town officer of `people` (see `stage`) and approved by its county officer."""
	assessment = make_case(
		"Stability Risk Assessment",
		case.jurisdiction,
		subject_type="Major Case",
		reference_doctype=case.doctype,
		reference_name=case.name,
		risk_level=risk_level,
		measures=[{"risk_level": risk_level, "measure": measure}],
	)
	assessment = act(assessment, "Submit for Review", people.officer_a)
	return act(assessment, "Approve", people.county_officer)


def clear_portal_rate_limits() -> None:
	"""Forget the residents' portal's per-address counters of submissions and tracking lookups."""
	frappe.cache.delete_keys("xinqu-portal-")


def purge_cases(tree, commit: bool = True) -> None:
	"""Delete every case in the tree (with child rows, versions and comments) and the test units."""
	lft, rgt = frappe.db.get_value("Jurisdiction", tree.city, ["lft", "rgt"])
	nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")
	for doctype in CASE_DOCTYPES:
		names = frappe.get_all(doctype, filters={"jurisdiction": ("in", nodes)}, pluck="name")
		if not names:
			continue
		for child in CHILD_TABLES.get(doctype, ()):
			frappe.db.delete(child, {"parent": ("in", names), "parenttype": doctype})
		frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
		frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", names)})
		frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", names)})
		frappe.db.delete("DocShare", {"share_doctype": doctype, "share_name": ("in", names)})
		frappe.db.delete("Document Follow", {"ref_doctype": doctype, "ref_docname": ("in", names)})
		frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ("in", names)})
		frappe.db.delete(doctype, {"name": ("in", names)})
	frappe.db.delete("Public Submission", {"jurisdiction": ("in", nodes)})  # the cases' tracking codes
	units = frappe.get_all("Handling Unit", filters={"jurisdiction": ("in", nodes)}, pluck="name")
	if units:
		frappe.db.delete("Handling Unit Member", {"parent": ("in", units)})
		frappe.db.delete("Handling Unit", {"name": ("in", units)})
	purge_registry(tree, commit=False)
	if commit:
		frappe.db.commit()


def new_tree() -> frappe._dict:
	return make_jurisdiction_tree()


def shipped_sla_rules(case_doctype: str) -> dict[str, str]:
	"""The district's SLA Rules of `case_doctype` (fixtures/sla_rule.json) as the only active ones,
	inside the test's transaction; returns rule name -> name of the record."""
	frappe.db.set_value("SLA Rule", {"case_doctype": case_doctype, "is_active": 1}, "is_active", 0)
	shipped = {}
	for row in json.loads((REPO / "fixtures" / "sla_rule.json").read_text()):
		if row["case_doctype"] != case_doctype:
			continue
		if frappe.db.exists("SLA Rule", row["name"]):
			rule = frappe.get_doc("SLA Rule", row["name"])
			rule.update({**row, "is_active": 1})
			rule.save(ignore_permissions=True)
		else:
			rule = frappe.get_doc({**row, "is_active": 1}).insert(ignore_permissions=True)
		shipped[row["rule_name"]] = rule.name
	return shipped
