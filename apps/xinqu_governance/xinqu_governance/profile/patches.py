"""Profile patches: python files under `<profile>/patches/`, each with `execute()`, run once each.

`patches/patches.txt` lists them in order (one path relative to `patches/` a line; `#` comments).
A patch that ran is recorded in Frappe's Patch Log as `profile:patches/<path>` and not run again.
"""

import importlib.util
from pathlib import Path

import frappe
from frappe import _

PATCH_PREFIX = "profile:"


def list_profile_patches(root: Path) -> list[str]:
	"""Paths (relative to the profile root) of the patches, in the order of patches.txt."""
	listing = root / "patches" / "patches.txt"
	if not listing.exists():
		return []
	paths = []
	for line in listing.read_text(encoding="utf-8").splitlines():
		line = line.split("#", 1)[0].strip()
		if not line or line.startswith("["):
			continue
		paths.append(f"patches/{line}")
	return paths


def run_profile_patches(root: Path) -> list[str]:
	"""Run the patches that have not run on this site yet; returns their Patch Log names."""
	ran = []
	for relative_path in list_profile_patches(root):
		patch_name = PATCH_PREFIX + relative_path
		if frappe.db.exists("Patch Log", {"patch": patch_name}):
			continue
		_load_patch(root / relative_path, patch_name).execute()
		frappe.get_doc({"doctype": "Patch Log", "patch": patch_name}).insert(ignore_permissions=True)
		ran.append(patch_name)
	return ran


def _load_patch(path: Path, patch_name: str):
	if not path.is_file():
		frappe.throw(_("Profile patch {0} is listed but does not exist.").format(patch_name))
	module_name = "xinqu_profile_patch_" + frappe.scrub(path.stem)
	spec = importlib.util.spec_from_file_location(module_name, path)
	module = importlib.util.module_from_spec(spec)
	spec.loader.exec_module(module)
	if not callable(getattr(module, "execute", None)):
		frappe.throw(_("Profile patch {0} has no execute() function.").format(patch_name))
	return module
