"""A Governance Administrator changes forms and workflows without code, with Frappe's own tools, and
the export writes the change back into the profile, which reproduces it on a site that lacks it.

The changes go through the same server calls the desk's Customize Form and Workflow forms make
(`run_doc_method` on Customize Form, `frappe.client.save` of the Workflow), over real HTTP as a user
holding only the Governance Administrator role; the desk screens themselves are opened in Chromium.
"""

import json

import frappe
import pytest
from xinqu_governance.profile.apply import apply_document, apply_profile
from xinqu_governance.profile.export import export_profile

from tests.case_factories import case_profile  # noqa: F401
from tests.desk import DESKTOP, SCREENS, desk_as
from tests.factories import PASSWORD, REPO, copy_profile, make_jurisdiction_tree, make_user_at, purge_tree, unique

DISPUTE_WORKFLOW = REPO / "workflows" / "dispute_mediation.json"


@pytest.fixture(scope="module")
def administrator(case_profile):  # noqa: F811
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	user = make_user_at("Governance Administrator", tree.city, prefix="xq-gadmin")
	frappe.db.commit()
	yield user
	frappe.db.rollback()
	purge_tree(tree, users=[user])


def post(session, url, endpoint, **data):
	payload = {key: json.dumps(value) if isinstance(value, (dict, list)) else value for key, value in data.items()}
	return session.post(f"{url}/api/method/{endpoint}", data=payload, headers={"X-Frappe-CSRF-Token": session.csrf}, timeout=60)


@pytest.fixture
def admin_session(administrator, live_server, http_login):
	session = http_login(administrator, PASSWORD)
	boot = session.get(f"{live_server}/app", timeout=60).text
	session.csrf = boot.split('csrf_token = "', 1)[1].split('"', 1)[0]
	return session


def customize(session, url, doctype, change):
	"""Customize Form as the desk drives it: fetch the DocType, change the form, save."""
	fetched = post(session, url, "run_doc_method", method="fetch_to_customize", docs={"doctype": "Customize Form", "doc_type": doctype, "name": "Customize Form"})
	assert fetched.status_code == 200, fetched.text
	form = fetched.json()["docs"][0]
	change(form)
	return post(session, url, "run_doc_method", method="save_customization", docs=form)


def test_customize_form_adds_a_field_that_the_export_keeps_and_the_profile_restores(admin_session, live_server, tmp_path):
	fieldname = f"xq_{unique('f').lower().replace('-', '_')}"[:30]
	label = unique("房屋朝向")  # Frappe names a Custom Field made in Customize Form after its label

	def add_field(form):
		form["fields"].append({"doctype": "Customize Form Field", "fieldname": fieldname, "label": label, "fieldtype": "Data", "is_custom_field": 1, "idx": len(form["fields"]) + 1, "__islocal": 1})

	setters_before = set(frappe.get_all("Property Setter", {"doc_type": "Household"}, pluck="name"))
	saved = customize(admin_session, live_server, "Household", add_field)
	assert saved.status_code == 200, saved.text
	frappe.db.rollback()
	name, fieldname = frappe.db.get_value("Custom Field", {"dt": "Household", "label": label}, ["name", "fieldname"]) or (None, None)
	assert name, f"Customize Form did not make the Custom Field: {saved.text[:500]}"
	try:
		profile = copy_profile(tmp_path)
		result = export_profile(profile)
		assert "fixtures/custom_field.json" in result["written"]
		exported = json.loads((profile / "fixtures" / "custom_field.json").read_text())
		assert any(doc["dt"] == "Household" and doc["fieldname"] == fieldname and doc["label"] == label for doc in exported)
		# the original entries stay, byte-stable: a second export writes nothing
		assert "fixtures/custom_field.json" in export_profile(profile)["unchanged"]

		frappe.delete_doc("Custom Field", name, ignore_permissions=True)
		frappe.db.commit()
		assert not frappe.get_meta("Household").has_field(fieldname)
		apply_profile(profile)
		frappe.db.commit()
		frappe.clear_cache(doctype="Household")
		assert frappe.get_meta("Household").get_field(fieldname).label == label
	finally:
		frappe.db.rollback()
		if frappe.db.exists("Custom Field", name):
			frappe.delete_doc("Custom Field", name, ignore_permissions=True)
		# Customize Form also wrote the form's field order: put the site back as it was
		for setter in set(frappe.get_all("Property Setter", {"doc_type": "Household"}, pluck="name")) - setters_before:
			frappe.delete_doc("Property Setter", setter, ignore_permissions=True)
		frappe.db.commit()
		frappe.clear_cache(doctype="Household")


def test_a_governance_administrator_customises_only_the_governance_doctypes(admin_session, live_server):
	fieldname = "xq_not_allowed"

	def add_field(form):
		form["fields"].append({"doctype": "Customize Form Field", "fieldname": fieldname, "label": "不允许", "fieldtype": "Data", "is_custom_field": 1, "__islocal": 1})

	refused = customize(admin_session, live_server, "Note", add_field)
	assert refused.status_code == 403, refused.text
	assert "不能" in refused.text or "只能" in refused.text
	frappe.db.rollback()
	assert not frappe.get_all("Custom Field", {"dt": "Note"})


def test_a_state_added_to_the_dispute_workflow_is_exported(admin_session, live_server, tmp_path):
	workflow = frappe.get_doc("Workflow", "Dispute Mediation") if frappe.db.exists("Workflow", "Dispute Mediation") else None
	if workflow is None:
		workflow = frappe.get_doc("Workflow", frappe.get_all("Workflow", {"document_type": "Dispute"}, pluck="name")[0])
	if not frappe.db.exists("Workflow State", "Review"):
		frappe.get_doc({"doctype": "Workflow State", "workflow_state_name": "Review", "style": "Info"}).insert(ignore_permissions=True)
		frappe.db.commit()
	doc = workflow.as_dict(convert_dates_to_str=True)
	doc["states"].append({"doctype": "Workflow Document State", "state": "Review", "doc_status": "0", "allow_edit": "Town Officer", "closes_case": 0})
	doc["transitions"].append({"doctype": "Workflow Transition", "state": "Mediation at Town", "action": "Review", "next_state": "Review", "allowed": "Town Officer", "required_level": "Town", "allow_self_approval": 1})
	doc["transitions"].append({"doctype": "Workflow Transition", "state": "Review", "action": "Close Case", "next_state": "Concluded", "allowed": "Town Officer", "required_level": "Town", "allow_self_approval": 1})
	try:
		saved = post(admin_session, live_server, "frappe.client.save", doc=doc)
		assert saved.status_code == 200, saved.text
		frappe.db.rollback()
		assert "Review" in [row.state for row in frappe.get_doc("Workflow", workflow.name).states]
		profile = copy_profile(tmp_path)
		export_profile(profile)
		exported = json.loads((profile / DISPUTE_WORKFLOW.relative_to(REPO)).read_text())
		states = [row["state"] for d in exported if d["doctype"] == "Workflow" for row in d["states"]]
		assert "Review" in states
		assert any(d["doctype"] == "Workflow State" and d["name"] == "Review" for d in exported)
	finally:
		frappe.db.rollback()
		for docdict in json.loads(DISPUTE_WORKFLOW.read_text()):
			apply_document(docdict)
		frappe.db.commit()


def test_the_tools_open_in_the_desk_for_the_governance_administrator(administrator, chromium, live_server):  # noqa: F811
	desk = desk_as(chromium, live_server, administrator, PASSWORD, DESKTOP)
	try:
		desk.open("/app/customize-form?doc_type=Household")
		desk.page.wait_for_function("() => window.cur_frm && cur_frm.doc.doc_type === 'Household' && cur_frm.doc.fields.length > 5")
		desk.wait_idle()
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
		for doctype in ("Workflow", "Print Format", "Notification", "Custom Field", "Property Setter"):
			desk.open_list(doctype)
			assert desk.take_problems() == [], doctype
		desk.open_new("Notification")
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()


def test_the_workflow_builder_draws_the_profile_workflow_readably(administrator, chromium, live_server):  # noqa: F811
	"""One node per state, laid out so that no two overlap (the profile ships `workflow_data`)."""
	states = [row.state for row in frappe.get_doc("Workflow", "Dispute Mediation").states]
	desk = desk_as(chromium, live_server, administrator, PASSWORD, DESKTOP)
	try:
		desk.open("/app/workflow-builder/Dispute Mediation")
		desk.page.wait_for_function("(n) => document.querySelectorAll('.vue-flow__node').length >= n", arg=len(states))
		desk.wait_idle()
		boxes = desk.page.evaluate(
			"""() => [...document.querySelectorAll('.vue-flow__node')].map(n => {
				const r = n.getBoundingClientRect(); return {text: n.innerText, x: r.x, y: r.y, w: r.width, h: r.height}; })"""
		)
		SCREENS.mkdir(parents=True, exist_ok=True)
		desk.screenshot(SCREENS / "workflow_builder_desktop.png")
		state_boxes = [b for b in boxes if b["w"] > 0]
		assert len(state_boxes) >= len(states)
		for i, a in enumerate(state_boxes):
			for b in state_boxes[i + 1 :]:
				apart = a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
				assert apart, f"{a['text']!r} overlaps {b['text']!r}"
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
	finally:
		desk.page.context.close()


def workflow_rows(name: str) -> tuple[list, list]:
	workflow = frappe.get_doc("Workflow", name)
	states = sorted((row.state, row.allow_edit, row.doc_status, row.update_field or "", row.update_value or "") for row in workflow.states)
	transitions = sorted((row.state, row.action, row.next_state, row.allowed, row.condition or "") for row in workflow.transitions)
	return states, transitions


def test_saving_in_the_workflow_builder_keeps_every_role_of_a_state(administrator, chromium, live_server):  # noqa: F811
	"""Petition Handling lets three roles edit in each of its four working states (a row each). The
	builder makes a node of each row; a save from it must write back every row and transition as
	they were (rows sharing a node lost all roles but the last one's)."""
	name = "Petition Handling"
	before = workflow_rows(name)
	assert len(before[0]) > len({state for state, *_ in before[0]})  # some state has several rows
	original = frappe.get_doc("Workflow", name).as_dict()
	desk = desk_as(chromium, live_server, administrator, PASSWORD, DESKTOP)
	try:
		desk.open(f"/app/workflow-builder/{name}")
		desk.page.wait_for_function("(n) => document.querySelectorAll('.vue-flow__node').length >= n", arg=len(before[0]))
		desk.wait_idle()
		modified = frappe.db.get_value("Workflow", name, "modified")
		desk.page.locator(".page-actions:visible .primary-action").click()
		desk.page.wait_for_function("() => !!document.querySelector('.alert-message, .toast-body')", timeout=30_000)
		desk.wait_idle()
		frappe.db.rollback()  # see the builder's commit
		assert frappe.db.get_value("Workflow", name, "modified") != modified  # the builder did save
		assert workflow_rows(name) == before
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()
		restored = frappe.get_doc("Workflow", name)
		restored.update({key: original[key] for key in ("states", "transitions", "workflow_data")})
		restored.flags.ignore_permissions = True
		restored.save()
		frappe.db.commit()


def test_a_notification_made_in_the_desk_is_exported_and_restored(admin_session, live_server, tmp_path):
	subject = unique("矛盾纠纷已升级")
	notification = {
		"doctype": "Notification",
		"name": subject,
		"subject": subject,
		"document_type": "Dispute",
		"event": "Value Change",
		"value_changed": "handling_level",
		"channel": "System Notification",
		"message": "{{ doc.subject }} 已升级至 {{ doc.handling_level }}",
		"recipients": [{"receiver_by_document_field": "assigned_to"}],
		"enabled": 1,
	}
	saved = post(admin_session, live_server, "frappe.client.insert", doc=notification)
	assert saved.status_code == 200, saved.text
	name = saved.json()["message"]["name"]
	try:
		profile = copy_profile(tmp_path)
		assert "fixtures/notification.json" in export_profile(profile)["written"]
		exported = json.loads((profile / "fixtures" / "notification.json").read_text())
		# the one made in the desk, beside the profile's own (when an earlier test applied them)
		shipped = {doc["name"] for doc in json.loads((REPO / "fixtures" / "notification.json").read_text())}
		assert [doc["subject"] for doc in exported if doc["name"] not in shipped] == [subject]
		frappe.db.rollback()
		frappe.delete_doc("Notification", name, ignore_permissions=True)
		frappe.db.commit()
		apply_profile(profile)
		frappe.db.commit()
		assert frappe.db.get_value("Notification", {"subject": subject}, "document_type") == "Dispute"
	finally:
		frappe.db.rollback()
		for left in frappe.get_all("Notification", {"subject": subject}, pluck="name"):
			frappe.delete_doc("Notification", left, ignore_permissions=True)
		frappe.db.commit()
