"""`export_profile`: write a site's profile documents back into a profile folder.

The files written are the ones the profile holds (see `reader.PROFILE_FOLDERS`):
- `fixtures/role.json`: the governance roles and any other role the file already lists;
- `fixtures/jurisdiction.json`: the whole tree, level by level, by name;
- `fixtures/user.json`: users holding an assignment and users the file already lists
  (a `new_password` given in the file is kept, it is never read from the site);
- `fixtures/jurisdiction_assignment.json`: every assignment, by user, role, node, start;
- `fixtures/governance_settings.json`, and `fixtures/system_settings.json` when the profile has it;
- `fixtures/custom_field.json`, `fixtures/property_setter.json`, `fixtures/notification.json`: what
  the file lists plus every Custom Field / Property Setter / Notification on the app's DocTypes
  (what Customize Form and the Notification form made on the site; a file with nothing to hold is
  not created);
- any other fixture file: the same documents it lists, as they are now on the site;
- `workflows/<workflow>.json`: each Workflow with the roles, states and actions it needs;
- `print_formats/<print format>.json`: each non-standard Print Format.
Bookkeeping fields (modified, creation, owner, idx, lft/rgt) are left out and the documents are
written in a stable order, so exporting an unchanged site reproduces its files byte for byte.
"""

from pathlib import Path

import frappe

from xinqu_governance.governance.customization import app_doctypes
from xinqu_governance.governance.doctype.jurisdiction.jurisdiction import LEVELS
from xinqu_governance.governance.roles import GOVERNANCE_ROLES
from xinqu_governance.profile.canonical import dump_docs, profile_doc_of
from xinqu_governance.profile.reader import read_profile
from xinqu_governance.profile.spec import INSERT_ONLY_KEYS, get_spec

# Roles every site has; a workflow may name them without the profile carrying them.
BUILTIN_ROLES = frozenset({"Administrator", "System Manager", "All", "Guest", "Desk User"})

# Fixture files whose content export_profile computes itself (not just re-reads by name).
ROLE_FILE = "fixtures/role.json"
JURISDICTION_FILE = "fixtures/jurisdiction.json"
USER_FILE = "fixtures/user.json"
ASSIGNMENT_FILE = "fixtures/jurisdiction_assignment.json"
GOVERNANCE_SETTINGS_FILE = "fixtures/governance_settings.json"
# customisation files: file → (DocType, the field naming the DocType customised)
CUSTOMIZATION_FILES = {
	"fixtures/custom_field.json": ("Custom Field", "dt"),
	"fixtures/property_setter.json": ("Property Setter", "doc_type"),
	"fixtures/notification.json": ("Notification", "document_type"),
}


def export_profile(path: str | Path) -> dict:
	"""Write the site's profile documents into the profile folder at `path`.

	Returns {"written": [relative paths changed], "unchanged": [...], "removed": [...]}.
	"""
	root = Path(path)
	previous = {profile_file.relative_path: profile_file.docs for profile_file in read_profile(root)}
	files: dict[str, list[dict]] = {}

	role_names = _role_names(previous)
	files[ROLE_FILE] = [_export("Role", name) for name in role_names]
	files[JURISDICTION_FILE] = _jurisdictions()
	files[USER_FILE] = _users(previous)
	files[ASSIGNMENT_FILE] = _assignments()
	files[GOVERNANCE_SETTINGS_FILE] = [_export("Governance Settings", "Governance Settings")]

	for relative_path, (doctype, target_field) in CUSTOMIZATION_FILES.items():
		docs = _customizations(previous.get(relative_path, []), doctype, target_field)
		if docs or relative_path in previous:
			files[relative_path] = docs
	for relative_path, docs in previous.items():
		if relative_path.startswith("fixtures/") and relative_path not in files:
			files[relative_path] = _same_documents(docs)

	files.update(_workflows(previous, set(role_names)))
	files.update(_print_formats(previous))

	return _write(root, previous, files)


def _export(doctype: str, name: str) -> dict:
	return profile_doc_of(frappe.get_doc(doctype, name))


def _role_names(previous: dict) -> list[str]:
	listed = {doc.get("name") for doc in previous.get(ROLE_FILE, []) if doc.get("doctype") == "Role"}
	wanted = set(GOVERNANCE_ROLES) | {name for name in listed if name}
	return sorted(frappe.get_all("Role", filters={"name": ("in", sorted(wanted))}, pluck="name"))


def _jurisdictions() -> list[dict]:
	rows = frappe.get_all("Jurisdiction", fields=["name", "level"])
	rows.sort(key=lambda row: (LEVELS.index(row.level) if row.level in LEVELS else len(LEVELS), row.name))
	return [_export("Jurisdiction", row.name) for row in rows]


def _users(previous: dict) -> list[dict]:
	listed = {doc.get("name"): doc for doc in previous.get(USER_FILE, []) if doc.get("doctype") == "User"}
	holders = set(frappe.get_all("Jurisdiction Assignment", pluck="user"))
	names = sorted(
		frappe.get_all("User", filters={"name": ("in", sorted(holders | set(listed)))}, pluck="name")
	)
	docs = []
	for name in names:
		doc = _export("User", name)
		for key in INSERT_ONLY_KEYS:
			if listed.get(name, {}).get(key):
				doc[key] = listed[name][key]
		docs.append(doc)
	return docs


def _assignments() -> list[dict]:
	key_fields = get_spec("Jurisdiction Assignment").key_fields
	names = frappe.get_all("Jurisdiction Assignment", pluck="name")
	docs = [_export("Jurisdiction Assignment", name) for name in names]
	docs.sort(key=lambda doc: tuple(str(doc.get(field) or "") for field in key_fields))
	return docs


def _same_documents(docs: list[dict]) -> list[dict]:
	"""The documents a fixture file lists, as they are now (those deleted on the site are dropped)."""
	out = []
	for docdict in docs:
		doctype = docdict.get("doctype")
		if frappe.get_meta(doctype).issingle:
			out.append(_export(doctype, doctype))
			continue
		name = _name_on_site(docdict)
		if name:
			exported = _export(doctype, name)
			for key in INSERT_ONLY_KEYS:
				if docdict.get(key):
					exported[key] = docdict[key]
			out.append(exported)
	return out


def _customizations(listed: list[dict], doctype: str, target_field: str) -> list[dict]:
	"""The listed documents, then those on the app's DocTypes the file does not hold yet (by name)."""
	docs = _same_documents(listed)
	held = {doc.get("name") for doc in docs}
	names = frappe.get_all(
		doctype, filters={target_field: ("in", sorted(app_doctypes()))}, order_by="name", pluck="name"
	)
	docs += [_export(doctype, name) for name in names if name not in held]
	return docs


def _name_on_site(docdict: dict) -> str | None:
	doctype = docdict["doctype"]
	key_fields = get_spec(doctype).key_fields
	if key_fields:
		names = frappe.get_all(
			doctype, filters={f: docdict.get(f) for f in key_fields}, pluck="name", limit=1
		)
		return names[0] if names else None
	name = docdict.get("name")
	return name if name and frappe.db.exists(doctype, name) else None


def _file_of(previous: dict, folder: str, doctype: str, name: str) -> str:
	"""The file that already holds this document, else `<folder>/<scrubbed name>.json`."""
	for relative_path, docs in previous.items():
		if relative_path.startswith(folder + "/") and any(
			doc.get("doctype") == doctype and doc.get("name") == name for doc in docs
		):
			return relative_path
	return f"{folder}/{frappe.scrub(name)}.json"


def _workflows(previous: dict, profile_roles: set[str]) -> dict[str, list[dict]]:
	files = {}
	for name in sorted(frappe.get_all("Workflow", pluck="name")):
		workflow = frappe.get_doc("Workflow", name)
		roles = {row.allow_edit for row in workflow.states} | {row.allowed for row in workflow.transitions}
		states = {row.state for row in workflow.states} | {row.next_state for row in workflow.transitions}
		actions = {row.action for row in workflow.transitions}
		roles = {role for role in roles if role and role not in BUILTIN_ROLES and role not in profile_roles}

		docs = [_export("Role", role) for role in sorted(roles) if frappe.db.exists("Role", role)]
		docs += [
			_export("Workflow State", state)
			for state in sorted(filter(None, states))
			if frappe.db.exists("Workflow State", state)
		]
		docs += [
			_export("Workflow Action Master", action)
			for action in sorted(filter(None, actions))
			if frappe.db.exists("Workflow Action Master", action)
		]
		docs.append(profile_doc_of(workflow))
		files[_file_of(previous, "workflows", "Workflow", name)] = docs
	return files


def _print_formats(previous: dict) -> dict[str, list[dict]]:
	files = {}
	for name in sorted(frappe.get_all("Print Format", filters={"standard": "No"}, pluck="name")):
		files[_file_of(previous, "print_formats", "Print Format", name)] = [_export("Print Format", name)]
	return files


def _write(root: Path, previous: dict, files: dict[str, list[dict]]) -> dict:
	result = {"written": [], "unchanged": [], "removed": []}
	for relative_path in sorted(files):
		text = dump_docs(files[relative_path])
		target = root / relative_path
		if target.exists() and target.read_text(encoding="utf-8") == text:
			result["unchanged"].append(relative_path)
			continue
		target.parent.mkdir(parents=True, exist_ok=True)
		target.write_text(text, encoding="utf-8")
		result["written"].append(relative_path)

	# a workflow or print format that no longer exists on the site leaves no file behind
	for relative_path in sorted(previous):
		if relative_path.startswith(("workflows/", "print_formats/")) and relative_path not in files:
			(root / relative_path).unlink()
			result["removed"].append(relative_path)
	return result
