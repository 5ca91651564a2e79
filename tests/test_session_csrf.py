"""A session made through /api/method/login needs the CSRF token for writes from its first request
(governance/session_csrf.py), as a desk session does; the login response carries the token."""

import frappe
import requests

from tests.factories import (
	PASSWORD,
	citizen_ids,
	make_jurisdiction_tree,
	make_user_at,
	purge_registry,
	purge_tree,
)


def test_rest_writes_with_a_fresh_login_session_need_the_csrf_token(live_server):
	tree = make_jurisdiction_tree()
	user = make_user_at("Village Staff", tree.village_a1, prefix="xq-csrf")
	frappe.db.commit()
	try:
		session = requests.Session()
		login = session.post(
			f"{live_server}/api/method/login", data={"usr": user, "pwd": PASSWORD}, timeout=30
		)
		assert login.status_code == 200, login.text
		token = login.json().get("csrf_token")
		assert token

		url = f"{live_server}/api/resource/Resident"

		def resident(name: str) -> dict:
			return {"full_name": name, "citizen_id": citizen_ids()[0], "jurisdiction": tree.village_a1}

		refused = session.post(url, json=resident("无令牌"), timeout=30)
		assert refused.status_code == 400 and refused.json().get("exc_type") == "CSRFTokenError", refused.text
		wrong = session.post(url, json=resident("错令牌"), headers={"X-Frappe-CSRF-Token": "x"}, timeout=30)
		assert wrong.status_code == 400
		accepted = session.post(
			url, json=resident("有令牌"), headers={"X-Frappe-CSRF-Token": token}, timeout=30
		)
		assert accepted.status_code == 200, accepted.text
		frappe.db.rollback()
		assert frappe.get_all("Resident", filters={"owner": user}, pluck="full_name") == ["有令牌"]

		guest = requests.post(f"{live_server}/api/method/ping", timeout=30)
		assert guest.status_code == 200  # guests have no session token to check
	finally:
		frappe.db.rollback()
		purge_registry(tree)
		purge_tree(tree, users=[user])
