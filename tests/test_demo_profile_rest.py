"""The district profile on a live server: the profile's people, given the demo password by the demo app,
log in over REST and see, read and link-search only what lies under their nodes (REST goes through the
same permission checks)."""

from pathlib import Path

import frappe
import pytest

from xinqu_demo.demo_data.accounts import DEMO_PASSWORD as PASSWORD
from xinqu_demo.demo_data.accounts import ensure_demo_passwords
from xinqu_governance.profile import apply_profile

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def profile_applied():
	apply_profile(str(REPO))
	ensure_demo_passwords(REPO)
	frappe.db.commit()


@pytest.mark.parametrize(
	"user",
	[
		"gridworker@xinqu.example",
		"villagestaff@xinqu.example",
		"townofficer@xinqu.example",
		"countyofficer@xinqu.example",
		"citysupervisor@xinqu.example",
		"govadmin@xinqu.example",
	],
)
def test_demo_user_logs_in_over_rest(profile_applied, http_login, live_server, user):
	session = http_login(user, PASSWORD)
	whoami = session.get(f"{live_server}/api/method/frappe.auth.get_logged_user", timeout=30)
	assert whoami.json()["message"] == user


def test_wrong_password_is_refused(profile_applied, live_server):
	import requests

	response = requests.post(
		f"{live_server}/api/method/login", data={"usr": "villagestaff@xinqu.example", "pwd": "wrong"}, timeout=30
	)
	assert response.status_code == 401


def rest_names(session, url, doctype, **params):
	response = session.get(
		f"{url}/api/resource/{doctype}", params={"limit_page_length": 500, **params}, timeout=30
	)
	assert response.status_code == 200, response.text
	return {row["name"] for row in response.json()["data"]}


def test_village_user_over_rest_sees_only_their_village(profile_applied, http_login, live_server):
	session = http_login("villagestaff@xinqu.example", PASSWORD)
	assert rest_names(session, live_server, "Jurisdiction") == {
		"幸福村",
		"小峡镇幸福村第1网格",
		"小峡镇幸福村第2网格",
	}
	# another village of the same town: no read, no write
	other = session.get(f"{live_server}/api/resource/Jurisdiction/和谐村", timeout=30)
	assert other.status_code == 403
	change = session.put(
		f"{live_server}/api/resource/Jurisdiction/和谐村", json={"description": "x"}, timeout=30
	)
	assert change.status_code == 403
	assert frappe.db.get_value("Jurisdiction", "和谐村", "description") != "x"
	# link search offers only their nodes
	found = session.get(
		f"{live_server}/api/method/frappe.desk.search.search_link",
		params={"doctype": "Jurisdiction", "txt": "村"},
		timeout=30,
	).json()
	values = {row["value"] for row in (found.get("message") or found.get("results") or [])}
	assert values and values <= {"幸福村", "小峡镇幸福村第1网格", "小峡镇幸福村第2网格"}


def test_town_user_over_rest_sees_every_village_of_the_town_only(profile_applied, http_login, live_server):
	session = http_login("townofficer@xinqu.example", PASSWORD)
	villages = rest_names(session, live_server, "Jurisdiction", filters='[["level","=","Village"]]')
	assert villages == {"幸福村", "和谐村", "新安村"}
	assert session.get(f"{live_server}/api/resource/Jurisdiction/团结村", timeout=30).status_code == 403
