"""A link may only point to, and copy from, a record the user can read (governance/link_access.py):
a village officer refused a resident of another village cannot get the resident's name, ID number and
phone back by linking him from a case, nor a case's subject by assessing it; every linking field of
every app DocType (child tables included) is guarded."""

import frappe
import pytest
from xinqu_governance.governance import link_access
from xinqu_governance.governance.link_access import LinkAccessError, validate_link_access

from tests.case_factories import (
	PASSWORD,
	as_user,
	case_profile,
	make_case,
	make_resident,
	new_tree,
	purge_cases,
	stage,
)
from tests.factories import count, make_user, purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	return stage(new_tree())


# case DocType → how a resident is linked from it, and the fields that copy from him
RESIDENT_LINKS = {
	"Service Request": lambda r: {"applicant": r.name, "applicant_name": None},
	"Petition": lambda r: {"petitioner": r.name, "petitioner_name": None},
	"Grid Event": lambda r: {"resident": r.name},
	"Dispute": lambda r: {"parties": [{"resident": r.name}, {"party_name": "王某"}]},
}


def copied_values(doc) -> str:
	return repr(doc.as_dict())


@pytest.mark.parametrize("doctype", sorted(RESIDENT_LINKS))
def test_a_resident_the_user_cannot_read_cannot_be_linked(people, doctype):
	stranger = make_resident(people.village_b1, phone="13912345678")
	with as_user(people.staff_a1):
		assert not frappe.has_permission("Resident", "read", doc=stranger.name)
	before = count(doctype)
	with pytest.raises(LinkAccessError) as refused:
		make_case(doctype, people.village_a1, people.staff_a1, **RESIDENT_LINKS[doctype](stranger))
	message = str(refused.value)
	assert "not permitted to read" in message
	for secret in (stranger.full_name, stranger.citizen_id, stranger.phone):
		assert secret not in message
	assert count(doctype) == before

	neighbour = make_resident(people.village_a1, phone="13912345679")
	case = make_case(doctype, people.village_a1, people.staff_a1, **RESIDENT_LINKS[doctype](neighbour))
	assert neighbour.full_name in copied_values(case)


def test_a_case_the_user_cannot_read_cannot_be_assessed(people):
	other = make_case("Petition", people.village_b1, subject="乙镇不公开的信访事项")
	with as_user(people.officer_a):
		assert not frappe.has_permission("Petition", "read", doc=other.name)
	before = count("Stability Risk Assessment")
	with pytest.raises(LinkAccessError):
		make_case(
			"Stability Risk Assessment",
			people.town_a,
			people.officer_a,
			subject=None,
			subject_type="Major Case",
			reference_doctype="Petition",
			reference_name=other.name,
		)
	assert count("Stability Risk Assessment") == before

	own = make_case("Petition", people.town_a, subject="本村的信访事项")
	assessment = make_case(
		"Stability Risk Assessment",
		people.town_a,
		people.officer_a,
		subject=None,
		subject_type="Major Case",
		reference_doctype="Petition",
		reference_name=own.name,
	)
	assert assessment.subject == "本村的信访事项"


def test_over_http_the_link_is_refused_and_nothing_comes_back(people, live_server, http_login):
	stranger = make_resident(people.village_b1, phone="13912345670")
	frappe.db.commit()
	try:
		session = http_login(people.staff_a1, PASSWORD)
		assert (
			session.get(f"{live_server}/api/resource/Resident/{stranger.name}", timeout=30).status_code == 403
		)
		before = count("Service Request")
		response = session.post(
			f"{live_server}/api/resource/Service Request",
			json={
				"jurisdiction": people.village_a1,
				"subject": "代办养老保险",
				"service_type": "Pension",
				"applicant": stranger.name,
			},
			headers={"X-Frappe-CSRF-Token": csrf_token_of(session, live_server)},
			timeout=30,
		)
		assert response.status_code == 403, response.text
		for secret in (stranger.full_name, stranger.citizen_id, stranger.phone):
			assert secret not in response.text
		frappe.db.rollback()
		assert count("Service Request") == before
	finally:
		purge_cases(people)
		purge_tree(people, users=people.users)


def csrf_token_of(session, base: str) -> str:
	"""The CSRF token of the session, as a page of the site gives it."""
	import re

	page = session.get(f"{base}/petition", timeout=30).text
	return re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)


# ------------------------------------------------------------------ every linking field is guarded


def app_doctypes() -> list:
	return frappe.get_all(
		"DocType", filters={"module": ["in", list(link_access.app_modules())]}, fields=["name", "istable"]
	)


def linking_fields(doctype: str) -> list:
	"""The fields of `doctype` that copy from the record they link: Links read by a fetch_from, Dynamic
	Links, and the links a controller copies from (declared in link_access.SERVER_COPIED_LINKS)."""
	meta = frappe.get_meta(doctype)
	sources = {df.fetch_from.split(".")[0] for df in meta.fields if df.fetch_from}
	sources |= set(link_access.SERVER_COPIED_LINKS.get(doctype, ()))
	return [
		df
		for df in meta.fields
		if df.fieldtype == "Dynamic Link" or (df.fieldtype == "Link" and df.fieldname in sources)
	]


def linked_values(doctype: str, tag: str) -> tuple[dict, set]:
	"""Values for the linking fields of `doctype`, and the (target, name) reads they must cause."""
	values, expected = {}, set()
	for df in linking_fields(doctype):
		name = f"{tag}-{doctype}-{df.fieldname}"
		if df.fieldtype == "Dynamic Link":
			values[df.options] = "Resident"
			expected.add(("Resident", name))
		else:
			expected.add((df.options, name))
		values[df.fieldname] = name
	return values, expected


def test_every_linking_field_of_every_app_doctype_is_checked(monkeypatch):
	doctypes = app_doctypes()
	assert {"Resident", "Service Request", "Dispute Party", "Stability Risk Assessment"} <= {
		d.name for d in doctypes
	}
	reads = []

	def has_permission(doctype, ptype="read", doc=None, user=None, **kwargs):
		reads.append((doctype, ptype, doc, user))
		return True

	monkeypatch.setattr(frappe, "has_permission", has_permission)
	monkeypatch.setattr(link_access, "record_exists", lambda doctype, name: True)
	user = make_user("xq-link")
	frappe.set_user(user)
	covered = set()
	for parent in (d.name for d in doctypes if not d.istable):
		values, expected = linked_values(parent, "P")
		doc = frappe.new_doc(parent)
		doc.update(values)
		for table in frappe.get_meta(parent).get_table_fields():
			row_values, row_expected = linked_values(table.options, table.fieldname)
			doc.append(table.fieldname, row_values)
			expected |= row_expected
			if row_expected:
				covered.add(table.options)
		if values:
			covered.add(parent)
		reads.clear()
		validate_link_access(doc)
		asked = {
			(doctype, name)
			for doctype, ptype, name, who in reads
			if ptype in ("read", "select") and who == user
		}
		assert expected <= asked, (parent, expected - asked)
	assert covered == {d.name for d in doctypes if linking_fields(d.name)}


def test_a_denied_link_in_a_child_row_is_refused(monkeypatch):
	monkeypatch.setattr(frappe, "has_permission", lambda *args, **kwargs: False)
	monkeypatch.setattr(link_access, "record_exists", lambda doctype, name: True)
	frappe.set_user(make_user("xq-link"))
	doc = frappe.new_doc("Household")
	doc.append("members", {"resident": "someone"})
	with pytest.raises(LinkAccessError):
		validate_link_access(doc)


def test_a_link_that_copies_only_the_title_needs_select_and_others_read():
	def ptype_of(doctype, fieldname):
		return {f: p for f, _t, _o, p in link_access.guarded_links(doctype)}[fieldname]

	assert ptype_of("Grid Profile Worker", "user") == "select"  # copies the User's full name
	assert ptype_of("Household Member", "resident") == "select"  # copies the Resident's full name
	assert ptype_of("Service Request", "applicant") == "read"  # copies ID number and phone
	assert ptype_of("Stability Risk Assessment", "reference_name") == "read"


def test_a_town_officer_still_adds_a_grid_worker(people):
	"""Officers may select, not read, other users: the worker's name is copied as Frappe shows it."""
	profile = frappe.get_doc(
		{"doctype": "Grid Profile", "jurisdiction": people.grid_a1, "grid_number": 7}
	).insert(ignore_permissions=True)
	with as_user(people.officer_a):
		assert not frappe.has_permission("User", "read", doc=people.grid_worker)
		profile = frappe.get_doc("Grid Profile", profile.name)
		profile.append("workers", {"user": people.grid_worker, "phone": "13909720002"})
		profile.save()
	assert profile.workers[0].worker_name
