"""ID and phone numbers in full only for the roles that need them (governance/personal_data.py,
docs/security.md "Personal data"): over real HTTP a town officer gets masked numbers from the REST
reads, lists, Report View, its export and the printed PDF, village staff the full ones; a reveal needs
a role Governance Settings names and a reason, and is logged with the desk views in the access report.
The meta of every app DocType is walked so that a new ID or phone field cannot be left unprotected."""

import csv
import io
import json
import subprocess
import time
from pathlib import Path

import frappe
import pytest
from xinqu_governance import hooks
from xinqu_governance.governance import link_access, personal_data
from xinqu_governance.governance.personal_data import (
	MASKED_SUFFIX,
	PERSONAL_DOCTYPES,
	fill_masked_columns,
	mask,
	personal_kind,
)
from xinqu_governance.profile.apply import apply_profile

from tests.case_factories import case_profile, purge_cases  # noqa: F401
from tests.factories import (
	PASSWORD,
	REPO,
	make_household,
	make_jurisdiction_tree,
	make_user_at,
	purge_tree,
)
from tests.frappe_site import login

PHONE = "15309728766"
REVEAL = "xinqu_governance.api.personal_data.reveal_personal_number"
FULL_ROLES = {"System Manager", "Governance Administrator", "Village Staff", "Grid Worker"}


# ------------------------------------------------------------------ the rule


def test_masks_keep_the_ends_only():
	assert mask("632126198807018196", "id_number") == "632126********8196"
	assert mask("15309728766", "phone") == "153****8766"
	assert mask("0972-8613552", "phone") == "097*****3552"
	assert mask("1234567", "phone") == "*******"
	assert mask("", "phone") == "" and mask(None, "id_number") is None


# ------------------------------------------------------------------ every personal field, from the meta


def app_doctypes() -> list:
	return frappe.get_all(
		"DocType", filters={"module": ["in", list(link_access.app_modules())]}, fields=["name", "istable"]
	)


def test_every_id_and_phone_field_is_at_level_one_with_a_masked_copy():
	parents_of = {}
	found = {}
	for doctype in app_doctypes():
		meta = frappe.get_meta(doctype.name)
		for table in meta.get_table_fields():
			parents_of.setdefault(table.options, set()).add(doctype.name)
		for df in meta.fields:
			looks_personal = df.fieldtype == "Data" and (
				df.options == "Phone"
				or any(word in df.fieldname for word in ("phone", "mobile", "citizen_id", "id_number", "id_card"))
			)
			if looks_personal and not df.fieldname.endswith(MASKED_SUFFIX):
				assert personal_kind(doctype.name, df) or (doctype.name, df.fieldname) in (
					personal_data.NOT_PERSONAL
				), (doctype.name, df.fieldname)
			if personal_kind(doctype.name, df):
				found.setdefault(doctype.name, []).append(df)
	assert {"Resident", "Petition", "Service Request", "Grid Event", "Dispute Party"} <= set(found)
	assert {"Grid Profile Worker", "Organisation Member", "Household"} <= set(found)

	governed = set()
	for doctype, fields in found.items():
		meta = frappe.get_meta(doctype)
		parent = doctype if not meta.istable else next(iter(parents_of[doctype]))
		governed.add(parent)
		parent_meta = frappe.get_meta(parent)
		for df in fields:
			assert df.permlevel == 1, (doctype, df.fieldname)
			assert not df.in_list_view and not df.in_global_search, (doctype, df.fieldname)
			masked = meta.get_field(df.fieldname + MASKED_SUFFIX)
			assert masked and masked.fieldtype == "Data" and masked.permlevel == 0 and masked.read_only
			searched = (parent_meta.search_fields or "").replace(" ", "").split(",")
			assert df.fieldname not in searched and parent_meta.title_field != df.fieldname
		level_one = {p.role for p in parent_meta.permissions if p.permlevel == 1 and p.read}
		level_zero = {p.role for p in parent_meta.permissions if p.permlevel == 0 and p.read}
		assert level_one == FULL_ROLES & level_zero, parent
	assert governed == set(PERSONAL_DOCTYPES)
	for doctype in PERSONAL_DOCTYPES:
		events = hooks.doc_events[doctype]
		assert "xinqu_governance.governance.personal_data.set_masked_numbers" in events["validate"]


# ------------------------------------------------------------------ a world over HTTP


@pytest.fixture(scope="module")
def world(live_server, tmp_path_factory):
	frappe.set_user("Administrator")
	target = tmp_path_factory.mktemp("pd_profile")
	import shutil

	shutil.copytree(REPO / "print_formats", target / "print_formats")
	apply_profile(target)
	w = frappe._dict(tree=make_jurisdiction_tree())
	w.household = make_household(w.tree.village_a1, members=2)
	w.resident = frappe.get_doc("Resident", w.household.members[0].resident)
	w.resident.phone = PHONE
	w.resident.save(ignore_permissions=True)
	w.household.reload()
	w.household.save(ignore_permissions=True)  # the head's phone is fetched
	w.officer = make_user_at("Town Officer", w.tree.town_a, prefix="xq-pd-town")
	w.staff = make_user_at("Village Staff", w.tree.village_a1, prefix="xq-pd-vil")
	w.supervisor = make_user_at("City Supervisor", w.tree.city, prefix="xq-pd-city")
	w.grid_worker = make_user_at("Grid Worker", w.tree.grid_a1, prefix="xq-pd-grid")
	w.admin = make_user_at("Governance Administrator", w.tree.city, prefix="xq-pd-ga")
	settings = frappe.get_single("Governance Settings")
	w.reveal_roles_before = [row.role for row in settings.get("reveal_roles")]
	settings.set("reveal_roles", [{"role": "Town Officer"}])
	settings.save(ignore_permissions=True)
	users = [w.officer, w.staff, w.supervisor, w.grid_worker, w.admin]
	frappe.db.commit()
	w.url = live_server
	w.session = {user: login(live_server, user, PASSWORD) for user in users}
	yield w
	frappe.set_user("Administrator")
	frappe.db.rollback()
	settings = frappe.get_single("Governance Settings")
	settings.set("reveal_roles", [{"role": role} for role in w.reveal_roles_before])
	settings.save(ignore_permissions=True)
	frappe.db.delete("Personal Data Reveal", {"user": ("in", users)})
	frappe.db.delete("View Log", {"viewed_by": ("in", users)})
	purge_cases(w.tree, commit=False)
	purge_tree(w.tree, users=users)


def get(w, user, path, **params):
	response = w.session[user].get(f"{w.url}{path}", params=params, timeout=60)
	assert response.status_code == 200, (path, response.status_code, response.text[:500])
	return response


def post(w, user, path, **data):
	return w.session[user].post(f"{w.url}{path}", data=data, timeout=60)


def test_the_rest_read_and_list_mask_numbers_for_the_town_officer(world):
	w, number = world, world.resident.citizen_id
	path = f"/api/resource/Resident/{w.resident.name}"
	doc = get(w, w.officer, path).json()["data"]
	assert doc.get("citizen_id") is None and doc.get("phone") is None
	assert doc["citizen_id_masked"] == mask(number, "id_number") and doc["phone_masked"] == "153****8766"
	assert get(w, w.staff, path).json()["data"]["citizen_id"] == number

	fields = json.dumps(["name", "citizen_id", "phone", "citizen_id_masked"])
	listed = get(w, w.officer, "/api/resource/Resident", fields=fields, filters=json.dumps({"name": w.resident.name}))
	assert listed.json()["data"] == [{"name": w.resident.name, "citizen_id_masked": mask(number, "id_number")}]
	listed = get(w, w.staff, "/api/resource/Resident", fields=fields, filters=json.dumps({"name": w.resident.name}))
	assert listed.json()["data"][0]["citizen_id"] == number and listed.json()["data"][0]["phone"] == PHONE
	household = get(w, w.officer, f"/api/resource/Household/{w.household.name}").json()["data"]
	assert household.get("head_phone") is None and household["head_phone_masked"] == "153****8766"
	assert number not in json.dumps(household)


def test_report_view_and_its_export_mask_numbers(world):
	w, number = world, world.resident.citizen_id
	args = {
		"doctype": "Resident",
		"fields": json.dumps(["`tabResident`.`name`", "`tabResident`.`citizen_id`", "`tabResident`.`phone`"]),
		"filters": json.dumps([["Resident", "name", "=", w.resident.name]]),
	}
	for user, full in ((w.officer, False), (w.staff, True)):
		shown = post(w, user, "/api/method/frappe.desk.reportview.get", **args)
		assert shown.ok, shown.text[:500]
		assert (number in shown.text) is full and (PHONE in shown.text) is full
		exported = post(
			w,
			user,
			"/api/method/frappe.desk.reportview.export_query",
			**args,
			file_format_type="CSV",
			title="Residents",
		)
		assert exported.status_code == 200, exported.text[:500]
		text = exported.content.decode("utf-8-sig")
		assert w.resident.name in text and (number in text) is full and (PHONE in text) is full
		assert len(list(csv.reader(io.StringIO(text)))) == 2


def test_a_role_without_the_export_right_cannot_export_residents(world):
	w = world
	exported = post(
		w,
		w.grid_worker,
		"/api/method/frappe.desk.reportview.export_query",
		doctype="Resident",
		fields=json.dumps(["`tabResident`.`name`"]),
		file_format_type="CSV",
		title="Residents",
	)
	assert exported.status_code == 403, exported.status_code


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
	assert pdf[:5] == b"%PDF-"
	path = tmp_path / "card.pdf"
	path.write_bytes(pdf)
	text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
	return "".join(text.split())


def test_the_printed_household_card_masks_numbers(world, tmp_path):
	w = world
	numbers = [frappe.db.get_value("Resident", m.resident, "citizen_id") for m in w.household.members]
	for user, full in ((w.officer, False), (w.staff, True)):
		pdf = get(
			w,
			user,
			"/api/method/frappe.utils.print_format.download_pdf",
			doctype="Household",
			name=w.household.name,
			format="户情卡",
		).content
		text = pdf_text(pdf, tmp_path)
		assert w.resident.full_name in text
		for number in numbers:
			assert (number in text) is full, (user, number)
			assert (mask(number, "id_number") in text) is not full
		assert (PHONE in text) is full and ("153****8766" in text) is not full


def test_a_town_officer_cannot_overwrite_a_number_he_cannot_read(world):
	w = world
	r = w.session[w.officer].put(
		f"{w.url}/api/resource/Resident/{w.resident.name}",
		json={"phone": "13900000000", "employer": "新区物业"},
		timeout=60,
	)
	assert r.ok, r.text[:500]
	assert PHONE not in r.text and w.resident.citizen_id not in r.text  # the answer too
	assert r.json()["data"]["phone_masked"] == "153****8766"
	assert frappe.db.get_value("Resident", w.resident.name, ["phone", "employer"]) == (PHONE, "新区物业")


def test_a_reveal_needs_a_named_role_and_a_reason_and_is_logged(world):
	w = world
	args = {"doctype": "Resident", "name": w.resident.name, "fieldname": "citizen_id"}
	refused = post(w, w.officer, f"/api/method/{REVEAL}", **args, reason="  ")
	assert refused.status_code == 417, refused.text[:300]
	refused = post(w, w.supervisor, f"/api/method/{REVEAL}", **args, reason="核实身份")
	assert refused.status_code == 403, refused.status_code
	refused = post(w, w.officer, f"/api/method/{REVEAL}", **{**args, "fieldname": "full_name"}, reason="核实")
	assert refused.status_code == 417, refused.status_code
	frappe.db.rollback()  # a fresh snapshot: the server commits in its own connection
	assert not frappe.db.exists("Personal Data Reveal", {"user": ("in", [w.officer, w.supervisor])})

	revealed = post(w, w.officer, f"/api/method/{REVEAL}", **args, reason="核实信访人身份")
	assert revealed.ok, revealed.text[:500]
	assert revealed.json()["message"] == w.resident.citizen_id
	frappe.db.rollback()
	row = frappe.get_all(
		"Personal Data Reveal",
		filters={"user": w.officer},
		fields=["reference_doctype", "reference_name", "fieldname", "reason"],
	)
	assert row == [
		{
			"reference_doctype": "Resident",
			"reference_name": w.resident.name,
			"fieldname": "citizen_id",
			"reason": "核实信访人身份",
		}
	]


def logged(doctype: str, filters: dict, seconds: float = 15) -> bool:
	"""Whether the row appears: Frappe writes a View Log after the response is sent
	(`commit_after_response` in v16; v15 in the request), so it is polled for, on fresh snapshots."""
	deadline = time.monotonic() + seconds
	while True:
		frappe.db.rollback()
		if frappe.db.exists(doctype, filters):
			return True
		if time.monotonic() > deadline:
			return False
		time.sleep(0.2)


def test_desk_views_and_reveals_are_in_the_access_report(world):
	w = world
	get(w, w.staff, "/api/method/frappe.desk.form.load.getdoc", doctype="Resident", name=w.resident.name)
	assert logged("View Log", {"viewed_by": w.staff, "reference_name": w.resident.name})
	post(
		w,
		w.officer,
		f"/api/method/{REVEAL}",
		doctype="Resident",
		name=w.resident.name,
		fieldname="phone",
		reason="回访电话",
	)
	filters = json.dumps({"from_date": frappe.utils.today(), "to_date": frappe.utils.today()})
	report = post(
		w, w.admin, "/api/method/frappe.desk.query_report.run", report_name="Personal Data Access", filters=filters
	)
	assert report.ok, report.text[:500]
	rows = [r for r in report.json()["message"]["result"] if r.get("reference_name") == w.resident.name]
	assert {(r["user"], r.get("reason") or "") for r in rows} >= {(w.staff, ""), (w.officer, "回访电话")}
	refused = post(
		w, w.officer, "/api/method/frappe.desk.query_report.run", report_name="Personal Data Access", filters=filters
	)
	assert refused.status_code == 403, refused.status_code


def test_a_town_officers_petition_keeps_the_numbers_fetched_from_the_petitioner(world, case_profile):
	"""On insert Frappe fetches the petitioner's numbers and then resets the level-1 fields the creator
	may not write; the fetched ones are kept, a typed one is not."""
	w = world
	r = w.session[w.officer].post(
		f"{w.url}/api/resource/Petition",
		json={
			"subject": "安置房分配",
			"content": "反映安置房分配问题",
			"channel": "Visit",
			"petitioner": w.resident.name,
			"petitioner_name": w.resident.full_name,
			"jurisdiction": w.tree.village_a1,
		},
		timeout=60,
	)
	assert r.ok, r.text[:500]
	data = r.json()["data"]
	assert w.resident.citizen_id not in r.text and PHONE not in r.text
	assert data.get("petitioner_id_number") is None and data.get("petitioner_phone") is None
	assert data["petitioner_id_number_masked"] == mask(w.resident.citizen_id, "id_number")
	assert data["petitioner_phone_masked"] == "153****8766"
	stored = frappe.db.get_value("Petition", data["name"], ["petitioner_id_number", "petitioner_phone"])
	assert stored == (w.resident.citizen_id, PHONE)
	typed = w.session[w.officer].post(
		f"{w.url}/api/resource/Petition",
		json={
			"subject": "无登记信访人",
			"content": "反映问题",
			"channel": "Visit",
			"petitioner_name": "来访人",
			"petitioner_phone": "13900000000",
			"jurisdiction": w.tree.village_a1,
		},
		timeout=60,
	)
	assert typed.ok, typed.text[:500]
	assert frappe.db.get_value("Petition", typed.json()["data"]["name"], "petitioner_phone") is None
	frappe.db.rollback()  # the petitions go with the world (purge_cases: their tracking codes too)


# ------------------------------------------------------------------ the backfill


def test_the_backfill_masks_as_the_code_does(world):
	w = world
	frappe.db.set_value(
		"Resident", w.resident.name, {"phone": "0972-8613552", "phone_masked": None}, update_modified=False
	)
	fill_masked_columns("Resident")
	assert frappe.db.get_value("Resident", w.resident.name, "phone_masked") == "097*****3552"
	stored = frappe.get_all("Resident", fields=["citizen_id", "citizen_id_masked"], limit=200)
	assert stored and all(row.citizen_id_masked == mask(row.citizen_id, "id_number") for row in stored)
	frappe.db.set_value("Resident", w.resident.name, "phone", PHONE, update_modified=False)
	fill_masked_columns("Resident")
	frappe.db.commit()
