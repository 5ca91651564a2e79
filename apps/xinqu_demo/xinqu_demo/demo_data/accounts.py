"""The demo's sign-in: the profile's people get the published demo password.

The district profile (the repository's fixtures/user.json) names its users — the staff its handling
units and routing rules need — without a password, so neither xinqu_governance nor the profile
publishes one: a district sets its own (User → Set Password, or the welcome / reset mail). On the
demo site, and for the tests that sign in as the profile's people, `ensure_demo_passwords` gives each
user of the profile DEMO_PASSWORD, unless the user has a password already (one changed on the site
is kept, as the profile's `new_password` was insert-only).
"""

import json
from pathlib import Path

import frappe
from frappe.query_builder import Table
from frappe.utils.password import update_password

DEMO_PASSWORD = "Demo@12345"


def profile_users(profile_path: str | Path) -> list[str]:
	"""The users the profile at `profile_path` names (fixtures/user.json)."""
	path = Path(profile_path) / "fixtures" / "user.json"
	if not path.exists():
		return []
	return [doc["name"] for doc in json.loads(path.read_text(encoding="utf-8")) if doc.get("doctype") == "User"]


def users_with_password(users: list[str]) -> set[str]:
	if not users:
		return set()
	auth = Table("__Auth")
	rows = (
		frappe.qb.from_(auth)
		.select(auth.name)
		.where((auth.doctype == "User") & (auth.fieldname == "password") & auth.name.isin(users))
		.run()
	)
	return {row[0] for row in rows}


def ensure_demo_passwords(profile_path: str | Path, password: str = DEMO_PASSWORD) -> list[str]:
	"""Give every user of the profile that exists on the site and has no password yet `password`.
	Returns the users set; the caller commits."""
	users = [user for user in profile_users(profile_path) if frappe.db.exists("User", user)]
	have = users_with_password(users)
	given = [user for user in users if user not in have]
	for user in given:
		update_password(user, password)
	return given
