"""`apply_profile`: bring a site in line with a profile, touching only what differs."""

import json
from contextlib import contextmanager
from pathlib import Path

import frappe
from frappe import _

from xinqu_governance.profile.canonical import state_of_document, state_of_profile_doc
from xinqu_governance.profile.patches import run_profile_patches
from xinqu_governance.profile.reader import read_profile
from xinqu_governance.profile.spec import INSERT_ONLY_KEYS, apply_order_key, get_spec


class ProfileError(frappe.ValidationError):
	"""A profile file holds something that cannot be applied."""


def apply_profile(path: str | Path) -> dict:
	"""Apply the profile at `path` to the connected site; the caller commits.

	Documents are applied in a fixed order (roles, workflow states and actions, jurisdictions from
	the top level down, users, assignments, settings, other fixtures, workflows, print formats), then
	pending profile patches run. A document whose covered fields already have the profile's values
	is not saved again (no new Version, `modified` unchanged), so applying twice changes nothing.
	Returns {"inserted", "updated", "unchanged", "patches_run", "changes"}.
	"""
	root = Path(path)
	if not root.is_dir():
		frappe.throw(_("Profile folder {0} does not exist.").format(str(root)), ProfileError)

	summary = {"inserted": 0, "updated": 0, "unchanged": 0, "patches_run": [], "changes": []}
	for docdict in _docs_in_apply_order(root):
		result, name = apply_document(docdict)
		summary[result] += 1
		if result != "unchanged":
			summary["changes"].append([result, docdict["doctype"], name])

	summary["patches_run"] = run_profile_patches(root)
	return summary


def _docs_in_apply_order(root: Path) -> list[dict]:
	ordered = []
	sequence = 0
	for profile_file in read_profile(root):
		for docdict in profile_file.docs:
			if not isinstance(docdict, dict) or not docdict.get("doctype"):
				frappe.throw(
					_("{0}: every entry must be a document with a doctype.").format(
						profile_file.relative_path
					),
					ProfileError,
				)
			is_single = bool(frappe.get_meta(docdict["doctype"]).issingle)
			ordered.append((apply_order_key(docdict, is_single, sequence), docdict))
			sequence += 1
	ordered.sort(key=lambda item: item[0])
	return [docdict for _key, docdict in ordered]


def apply_document(docdict: dict) -> tuple[str, str]:
	"""Insert, update or leave one profile document. Returns (result, name)."""
	doctype = docdict["doctype"]
	meta = frappe.get_meta(doctype)
	wanted = state_of_profile_doc(docdict)

	if meta.issingle:
		doc = frappe.get_doc(doctype, doctype)
	else:
		name = _existing_name(docdict, wanted)
		doc = frappe.get_doc(doctype, name) if name else None

	if doc is None:
		doc = frappe.new_doc(doctype)
		doc.update(wanted)
		_prepare(doc, docdict, inserting=True)
		spec = get_spec(doctype)
		with importing(doctype):
			if spec.key_fields is None and docdict.get("name"):
				doc.insert(set_name=docdict["name"])
			else:
				doc.insert()
		return "inserted", doc.name

	if state_of_document(doc) == wanted:
		return "unchanged", doc.name

	doc.update(wanted)
	_prepare(doc, docdict, inserting=False)
	doc.save()
	return "updated", doc.name


@contextmanager
def importing(doctype: str):
	"""Users of the profile are inserted as Frappe's own Data Import inserts them (`flags.in_import`):
	Frappe throttles users created outside an import (60 a minute, `throttle_user_creation`), which a
	staffed district's profile and a bulk load of users exceed on a fresh site."""
	if doctype != "User" or frappe.flags.in_import:
		yield
		return
	frappe.flags.in_import = True
	try:
		yield
	finally:
		frappe.flags.in_import = False


def _existing_name(docdict: dict, wanted: dict) -> str | None:
	doctype = docdict["doctype"]
	spec = get_spec(doctype)
	if spec.key_fields:
		names = frappe.get_all(
			doctype, filters={field: wanted[field] for field in spec.key_fields}, pluck="name", limit=2
		)
		if len(names) > 1:
			frappe.throw(
				_("{0}: more than one record matches {1}.").format(
					_(doctype), ", ".join(str(wanted[field]) for field in spec.key_fields)
				),
				ProfileError,
			)
		return names[0] if names else None

	name = docdict.get("name")
	if not name:
		frappe.throw(_("A {0} in the profile has no name.").format(_(doctype)), ProfileError)
	return name if frappe.db.exists(doctype, name) else None


def _prepare(doc, docdict: dict, inserting: bool) -> None:
	doc.flags.ignore_permissions = True
	for df in doc.meta.get("fields", {"fieldtype": "JSON"}):
		# a profile file holds a JSON field as JSON (e.g. a Workflow's `workflow_data`, a list), which
		# Frappe only stores as text
		if isinstance(doc.get(df.fieldname), list | dict):
			doc.set(df.fieldname, json.dumps(doc.get(df.fieldname), ensure_ascii=False))
	if doc.doctype == "User":
		doc.flags.no_welcome_email = True
		doc.send_welcome_email = 0
	if inserting:
		for key in INSERT_ONLY_KEYS:
			if docdict.get(key):
				doc.set(key, docdict[key])
