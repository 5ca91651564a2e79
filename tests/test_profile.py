"""The district profile (fixtures/, workflows/, print_formats/, patches/ at the repository root):
applying it twice changes nothing, exporting it back reproduces its files, patches run once."""

import textwrap

import frappe
from xinqu_governance.profile import apply_profile, export_profile
from xinqu_governance.profile.reader import read_profile

from tests.factories import REPO, copy_profile


def count_versions(doctype: str) -> int:
	return frappe.db.count("Version", {"ref_doctype": doctype})


def test_profile_holds_the_district_tree_and_demo_users():
	docs = [doc for profile_file in read_profile(REPO) for doc in profile_file.docs]
	jurisdictions = {doc["name"]: doc for doc in docs if doc["doctype"] == "Jurisdiction"}
	assert jurisdictions["海东市"]["level"] == "City"
	assert jurisdictions["平安县"]["parent_jurisdiction"] == "海东市"
	assert jurisdictions["互助县"]["parent_jurisdiction"] == "海东市"
	assert jurisdictions["小峡镇"]["parent_jurisdiction"] == "平安县"
	assert {doc["level"] for doc in jurisdictions.values()} == {"City", "County", "Town", "Village", "Grid"}

	roles = {doc["name"] for doc in docs if doc["doctype"] == "Role"}
	assigned_roles = {doc["role"] for doc in docs if doc["doctype"] == "Jurisdiction Assignment"}
	assert (
		roles
		== assigned_roles
		== {
			"Grid Worker",
			"Village Staff",
			"Town Officer",
			"County Officer",
			"City Supervisor",
			"Governance Administrator",
		}
	)


def test_applying_twice_changes_nothing(clean_site):
	apply_profile(REPO)

	versions = count_versions("Jurisdiction") + count_versions("User")
	modified = frappe.db.get_value("Jurisdiction", "小峡镇", "modified")

	second = apply_profile(REPO)
	assert second["inserted"] == 0, second["changes"]
	assert second["updated"] == 0, second["changes"]
	assert second["patches_run"] == []
	assert second["unchanged"] > 0
	assert count_versions("Jurisdiction") + count_versions("User") == versions
	assert frappe.db.get_value("Jurisdiction", "小峡镇", "modified") == modified


def test_applied_profile_grants_the_demo_users_their_nodes(clean_site):
	apply_profile(REPO)
	assignments = frappe.get_all(
		"Jurisdiction Assignment",
		filters={"user": ("like", "%@xinqu.example")},
		fields=["user", "role", "jurisdiction", "is_active"],
	)
	assert len({row.role for row in assignments}) == 6
	for row in assignments:
		assert row.is_active == 1
		assert frappe.db.exists("Has Role", {"parent": row.user, "role": row.role})
		assert frappe.db.exists("User Permission", {"user": row.user, "for_value": row.jurisdiction})


def test_a_change_on_the_site_is_put_back(clean_site):
	apply_profile(REPO)
	frappe.db.set_value("Jurisdiction", "小峡镇", "jurisdiction_code", "000000")

	summary = apply_profile(REPO)
	assert summary["updated"] == 1
	assert summary["changes"] == [["updated", "Jurisdiction", "小峡镇"]]
	profile_code = next(
		doc.get("jurisdiction_code")
		for profile_file in read_profile(REPO)
		for doc in profile_file.docs
		if doc.get("name") == "小峡镇"
	)
	assert frappe.db.get_value("Jurisdiction", "小峡镇", "jurisdiction_code") == profile_code


def test_export_reproduces_the_profile_byte_for_byte(clean_site, tmp_path):
	apply_profile(REPO)
	exported = copy_profile(tmp_path)

	result = export_profile(exported)
	assert result["written"] == []
	assert result["removed"] == []
	for profile_file in read_profile(REPO):
		original = (REPO / profile_file.relative_path).read_bytes()
		assert (exported / profile_file.relative_path).read_bytes() == original, profile_file.relative_path


def test_export_writes_what_an_administrator_changed(clean_site, tmp_path):
	apply_profile(REPO)
	exported = copy_profile(tmp_path)
	town = frappe.get_doc("Jurisdiction", "小峡镇")
	town.description = "综治信访服务中心所在镇"
	town.save()

	result = export_profile(exported)
	assert result["written"] == ["fixtures/jurisdiction.json"]
	exported_docs = {
		doc["name"]: doc
		for profile_file in read_profile(exported)
		if profile_file.relative_path == "fixtures/jurisdiction.json"
		for doc in profile_file.docs
	}
	assert exported_docs["小峡镇"]["description"] == "综治信访服务中心所在镇"

	# and the exported profile applies back without further change
	assert apply_profile(exported)["updated"] == 0


def test_the_round_robin_pointer_is_runtime_state_not_profile_data(clean_site, tmp_path):
	"""`Handling Unit.last_assigned_user` is where round-robin assignment got to: re-applying the profile
	leaves it alone (the next case would otherwise go to the first member again), and export does not
	write it."""
	apply_profile(REPO)
	unit = next(
		doc
		for profile_file in read_profile(REPO)
		for doc in profile_file.docs
		if doc["doctype"] == "Handling Unit" and doc.get("members")
	)
	member = unit["members"][-1]["user"]
	frappe.db.set_value("Handling Unit", unit["name"], "last_assigned_user", member, update_modified=False)

	summary = apply_profile(REPO)
	assert ["updated", "Handling Unit", unit["name"]] not in summary["changes"]
	assert frappe.db.get_value("Handling Unit", unit["name"], "last_assigned_user") == member

	exported = copy_profile(tmp_path)
	assert export_profile(exported)["written"] == []
	assert all(
		"last_assigned_user" not in doc
		for profile_file in read_profile(exported)
		for doc in profile_file.docs
		if doc["doctype"] == "Handling Unit"
	)


def test_profile_patch_runs_once_and_is_recorded(clean_site, tmp_path):
	(tmp_path / "fixtures").mkdir()
	patches = tmp_path / "patches"
	patches.mkdir()
	(patches / "patches.txt").write_text("# order of the profile patches\nmark_run.py\n", encoding="utf-8")
	(patches / "mark_run.py").write_text(
		textwrap.dedent(
			'''
			import frappe


			def execute():
				"""Count the runs in a flag."""
				frappe.flags.xq_profile_patch_runs = (frappe.flags.xq_profile_patch_runs or 0) + 1
			'''
		),
		encoding="utf-8",
	)
	frappe.flags.xq_profile_patch_runs = 0

	first = apply_profile(tmp_path)
	second = apply_profile(tmp_path)

	assert first["patches_run"] == ["profile:patches/mark_run.py"]
	assert second["patches_run"] == []
	assert frappe.flags.xq_profile_patch_runs == 1
	assert frappe.db.exists("Patch Log", {"patch": "profile:patches/mark_run.py"})


def test_workflow_and_print_format_survive_export_and_apply(clean_site, tmp_path):
	"""A workflow (with the role, states and actions it needs) and a print format round-trip."""
	(tmp_path / "workflows").mkdir()
	(tmp_path / "print_formats").mkdir()
	role = f"XQ Reviewer {frappe.generate_hash(length=6)}"
	workflow_name = f"XQ ToDo Review {frappe.generate_hash(length=6)}"
	print_format = f"XQ ToDo Card {frappe.generate_hash(length=6)}"
	workflow_docs = [
		{"doctype": "Role", "name": role, "role_name": role},
		{"doctype": "Workflow State", "name": "Open", "workflow_state_name": "Open"},
		{"doctype": "Workflow State", "name": "Closed", "workflow_state_name": "Closed"},
		{"doctype": "Workflow Action Master", "name": "Close", "workflow_action_name": "Close"},
		{
			"doctype": "Workflow",
			"name": workflow_name,
			"workflow_name": workflow_name,
			"document_type": "ToDo",
			"is_active": 0,
			"workflow_state_field": "status",
			"states": [
				{"state": "Open", "doc_status": "0", "allow_edit": role},
				{"state": "Closed", "doc_status": "0", "allow_edit": role},
			],
			"transitions": [{"state": "Open", "action": "Close", "next_state": "Closed", "allowed": role}],
		},
	]
	(tmp_path / "workflows" / "todo_review.json").write_text(
		frappe.as_json(workflow_docs), encoding="utf-8"
	)
	(tmp_path / "print_formats" / "todo_card.json").write_text(
		frappe.as_json(
			[
				{
					"doctype": "Print Format",
					"name": print_format,
					"doc_type": "ToDo",
					"module": "Governance",
					"standard": "No",
					"custom_format": 1,
					"print_format_type": "Jinja",
					"html": "<h1>{{ _('ToDo') }}</h1><p>{{ doc.description }}</p>",
				}
			]
		),
		encoding="utf-8",
	)

	first = apply_profile(tmp_path)
	assert ["inserted", "Workflow", workflow_name] in first["changes"]
	assert ["inserted", "Print Format", print_format] in first["changes"]

	export_profile(tmp_path)  # rewrites both files in canonical form
	assert apply_profile(tmp_path)["updated"] == 0
	again = export_profile(tmp_path)
	assert again["written"] == []
	assert {"workflows/todo_review.json", "print_formats/todo_card.json"} <= set(again["unchanged"])

	files = {profile_file.relative_path: profile_file.docs for profile_file in read_profile(tmp_path)}
	exported = {doc["doctype"]: doc for doc in files["workflows/todo_review.json"]}
	assert exported["Role"]["name"] == role
	assert exported["Workflow"]["transitions"][0]["allowed"] == role
	assert files["print_formats/todo_card.json"][0]["html"].startswith("<h1>")

	# a change made on the site shows up in the export
	frappe.db.set_value("Print Format", print_format, "html", "<p>{{ doc.name }}</p>")
	assert export_profile(tmp_path)["written"] == ["print_formats/todo_card.json"]
