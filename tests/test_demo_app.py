"""The demo lives in its own app (apps/xinqu_demo, issue 9): a district installing xinqu_governance gets no
demo code, no demo accounts' password and no demo hooks; the demo app gives the profile's people the
published password only where they have none."""

import json
import re
from pathlib import Path

import frappe
from frappe.utils.password import check_password, update_password
from xinqu_demo.demo_data.accounts import DEMO_PASSWORD, ensure_demo_passwords, profile_users

REPO = Path(__file__).resolve().parents[1]
APP_FOLDER = REPO / "apps" / "xinqu_governance"
PACKAGE = APP_FOLDER / "xinqu_governance"
TEXT_SUFFIXES = {".py", ".js", ".json", ".html", ".txt", ".md", ".toml", ".csv", ".po", ".pot", ".css", ".scss"}


def package_files():
	for path in sorted(PACKAGE.rglob("*")):
		if path.is_file() and "__pycache__" not in path.parts:
			yield path


def test_app_package_has_no_demo_module_or_reference():
	names = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*") if "demo" in path.name.lower()]
	assert names == []
	mentions = [
		f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
		for path in package_files()
		if path.suffix in TEXT_SUFFIXES
		for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
		if re.search(r"demo", line, re.IGNORECASE)
	]
	assert mentions == []


def test_app_hooks_name_no_demo_code():
	hooks = frappe.get_hooks(app_name="xinqu_governance")
	assert "demo" not in json.dumps(hooks, default=str).lower()
	assert frappe.get_hooks(app_name="xinqu_demo").get("required_apps")  # the demo app is the one that names the other


def test_app_and_profile_publish_no_password():
	in_app = [
		str(path.relative_to(APP_FOLDER))
		for path in sorted(APP_FOLDER.rglob("*"))
		if path.is_file() and path.suffix in TEXT_SUFFIXES and DEMO_PASSWORD in path.read_text(encoding="utf-8")
	]
	assert in_app == []
	users = json.loads((REPO / "fixtures" / "user.json").read_text(encoding="utf-8"))
	assert users and not [doc["name"] for doc in users if {"new_password", "password"} & set(doc)]


def test_demo_passwords_go_only_to_profile_users_without_one(clean_site):
	from xinqu_governance.profile import apply_profile

	apply_profile(REPO)
	without, changed = profile_users(REPO)[:2]
	frappe.db.delete("__Auth", {"doctype": "User", "name": without, "fieldname": "password"})
	update_password(changed, "Changed-on-site-2015")

	given = ensure_demo_passwords(REPO)

	assert without in given and changed not in given
	assert check_password(without, DEMO_PASSWORD) == without
	assert check_password(changed, "Changed-on-site-2015") == changed
	assert ensure_demo_passwords(REPO) == []  # every profile user has one now
