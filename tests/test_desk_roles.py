"""Every role's day in the desk: one workspace per role family (grid worker, village, town / district,
county / city, administrator), shown only to its roles, opened in Chromium at 1280x800 and 390x844 by
a staged user at a node, with its number cards showing the numbers the server counts for that user.

The workspaces and their number cards are standard records of the app's module folders
(`governance/workspace/`, `cases/number_card/`, `registry/number_card/`).
"""

import json

import frappe
import pytest
from frappe.desk.desktop import get_workspace_sidebar_items
from frappe.desk.doctype.number_card.number_card import get_result
from xinqu_governance.tests.factories import make_assignment

from tests.case_factories import PASSWORD, as_user, case_profile, make_case, purge_cases, stage
from tests.desk import DESKTOP, SCREENS, SIZES, DeskPage, desk_as, slug, zh
from tests.factories import make_jurisdiction_tree, make_user_at, purge_tree

ROLE_WORKSPACES = {
	"Grid Workbench": {"Grid Worker"},
	"Village Workbench": {"Village Staff"},
	"Town Workbench": {"Town Officer"},
	"County and City Oversight": {"County Officer", "City Supervisor"},
	"Governance Administration": {"Governance Administrator"},
}
# a staged user of each family (keys of `stage`'s people) and the workspace it works in
FAMILIES = {
	"grid_worker": "Grid Workbench",
	"staff_a1": "Village Workbench",
	"officer_a": "Town Workbench",
	"district_officer": "Town Workbench",
	"county_officer": "County and City Oversight",
	"city_supervisor": "County and City Oversight",
	"administrator": "Governance Administration",
}


@pytest.fixture(scope="module")
def people(case_profile):  # noqa: F811
	"""A tree with a user of every family and open cases: one overdue dispute and one due soon at
	village A1 (taken by its staff through the village unit), a grid event at grid A1."""
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	people = stage(tree)
	people.administrator = make_user_at("Governance Administrator", tree.city, prefix="xq-case-adm")
	people.users.append(people.administrator)
	overdue = make_case("Dispute", tree.village_a1)
	due_soon = make_case("Petition", tree.village_a1)
	frappe.db.set_value("Dispute", overdue.name, "sla_status", "Overdue")
	frappe.db.set_value("Petition", due_soon.name, "sla_status", "Due Soon")
	make_case("Grid Event", tree.grid_a1)
	frappe.db.commit()
	yield people
	frappe.db.rollback()
	purge_cases(tree)
	purge_tree(tree, users=people.users)


def workspace(name: str):
	return frappe.get_doc("Workspace", name)


def card_number(card_name: str) -> float:
	"""What the desk shows on the card for the current user, computed the way the desk asks for it."""
	card = frappe.get_doc("Number Card", card_name)
	if card.type == "Custom":
		return frappe.get_attr(card.method)()["value"]
	return get_result(card.as_dict(), card.filters_json)


# --- the records -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(ROLE_WORKSPACES))
def test_role_workspace_is_synced_restricted_to_its_roles(name):
	ws = workspace(name)
	assert (ws.module, ws.public, ws.title) == ("Governance", 1, name)
	assert {row.role for row in ws.roles} == ROLE_WORKSPACES[name]
	blocks = json.loads(ws.content)
	assert {b["data"]["number_card_name"] for b in blocks if b["type"] == "number_card"} == {
		row.number_card_name for row in ws.number_cards
	}
	assert {b["data"]["shortcut_name"] for b in blocks if b["type"] == "shortcut"} == {
		s.label for s in ws.shortcuts
	}
	for row in ws.number_cards:
		card = frappe.get_doc("Number Card", row.number_card_name)
		assert card.is_standard == 1
		if card.type == "Custom":
			assert frappe.get_attr(card.method) in frappe.whitelisted, card.method
	for shortcut in ws.shortcuts:
		assert frappe.db.exists(shortcut.type, shortcut.link_to), shortcut.link_to
	for link in ws.links:
		if link.type == "Link":
			assert frappe.db.exists(link.link_type, link.link_to), link.link_to


def test_role_workspace_labels_are_translated():
	frappe.local.lang = "zh"
	try:
		for name in ROLE_WORKSPACES:
			ws = workspace(name)
			labels = {name, *(r.label for r in ws.number_cards), *(s.label for s in ws.shortcuts)}
			labels |= {link.label for link in ws.links}
			assert sorted(label for label in labels if frappe._(label) == label) == [], name
	finally:
		frappe.local.lang = "en"


# --- who sees which workspace ------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(FAMILIES))
def test_user_sees_only_the_workspace_of_their_roles(people, who):
	with as_user(people[who]):
		pages = {page["name"] for page in get_workspace_sidebar_items()["pages"]}
	assert pages & set(ROLE_WORKSPACES) == {FAMILIES[who]}


# --- where each user starts ----------------------------------------------------------------------------


def test_each_user_starts_in_the_workspace_of_their_role(people):
	"""Their Jurisdiction Assignments set the User's `default_workspace` (governance/workspaces.py)."""
	shown = {who: frappe.db.get_value("User", people[who], "default_workspace") for who in FAMILIES}
	assert shown == FAMILIES


def test_a_chosen_workspace_is_kept_and_a_lost_role_clears_its_own(people):
	from xinqu_governance.governance.access import sync_user_access

	user = make_user_at("Village Staff", people.village_a2, prefix="xq-case-home")
	try:
		assert frappe.db.get_value("User", user, "default_workspace") == "Village Workbench"
		# the assignment ends: the role and its workspace go
		(assignment,) = frappe.get_all("Jurisdiction Assignment", filters={"user": user}, pluck="name")
		frappe.delete_doc("Jurisdiction Assignment", assignment, ignore_permissions=True)
		assert frappe.db.get_value("User", user, "default_workspace") is None
		# a workspace the user chose that no role gives stays theirs
		frappe.db.set_value("User", user, "default_workspace", "Xinqu Governance")
		make_assignment(user, "Village Staff", people.village_a2)
		sync_user_access(user)
		assert frappe.db.get_value("User", user, "default_workspace") == "Xinqu Governance"
	finally:
		for name in frappe.get_all("Jurisdiction Assignment", filters={"user": user}, pluck="name"):
			frappe.delete_doc("Jurisdiction Assignment", name, ignore_permissions=True, force=True)
		frappe.delete_doc("User", user, ignore_permissions=True, force=True)


# one user of each role family signs in on the /login page and lands on the family's workspace
LANDING = ("grid_worker", "staff_a1", "officer_a", "county_officer", "administrator")


@pytest.mark.parametrize("who", LANDING)
def test_signing_in_opens_the_workspace_of_the_role(people, chromium, live_server, who):
	context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
	desk = DeskPage(context.new_page(), live_server, people[who])
	desk.watch()
	try:
		# the login page itself, as a person signs in: its form posts through the web bundle's script
		desk.page.goto(f"{live_server}/login")
		desk.page.fill("#login_email", people[who])
		desk.page.fill("#login_password", PASSWORD)
		desk.page.click(".form-login .btn-login")
		desk.page.wait_for_url(f"**/desk/{slug(FAMILIES[who])}*")
		desk.page.wait_for_function("(t) => document.title.includes(t)", arg=zh(FAMILIES[who]))
		assert desk.page.evaluate("() => frappe.get_route()") == ["Workspaces", FAMILIES[who]]
		assert desk.take_problems() == [], who
	finally:
		context.close()


# --- the numbers ---------------------------------------------------------------------------------------


def test_case_cards_count_the_users_own_cases_and_scope(people):
	def numbers(who):
		with as_user(people[who]):
			return {
				c: card_number(c)
				for c in ("My Open Cases", "My Unit Queue", "Cases Due Soon", "Overdue Cases")
			}

	staff_a1, staff_b1, county = numbers("staff_a1"), numbers("staff_b1"), numbers("county_officer")
	# the village A1 cases and the grid event of its grid go to the village unit's only member
	assert staff_a1 == {"My Open Cases": 3, "My Unit Queue": 3, "Cases Due Soon": 1, "Overdue Cases": 1}
	assert staff_b1 == {"My Open Cases": 0, "My Unit Queue": 0, "Cases Due Soon": 0, "Overdue Cases": 0}
	assert (county["Cases Due Soon"], county["Overdue Cases"]) >= (1, 1)
	assert county["My Open Cases"] == 0


def test_supervision_to_answer_counts_what_is_addressed_to_the_users_unit(people):
	dispute = frappe.get_all(
		"Dispute",
		filters={"jurisdiction": people.village_a1},
		pluck="name",
		order_by="creation desc",
		limit=1,
	)[0]
	with as_user(people.staff_a1):
		before = card_number("Supervision to Answer")
	with as_user(people.officer_a):
		frappe.get_doc(
			{
				"doctype": "Supervision",
				"kind": "Ordinary",
				"case_doctype": "Dispute",
				"case_name": dispute,
				"deadline": frappe.utils.add_days(frappe.utils.now_datetime(), 3),
				"instruction": "请限期办结",
			}
		).insert()
	with as_user(people.staff_a1):
		assert card_number("Supervision to Answer") == before + 1
	with as_user(people.staff_b1):
		assert card_number("Supervision to Answer") == 0


def test_sla_chart_counts_the_users_open_cases_by_status(people):
	from xinqu_governance.cases.dashboard_chart_source.open_cases_by_sla_status.open_cases_by_sla_status import (
		get as chart_data,
	)

	assert all(
		any(row.chart_name == "Open Cases by SLA Status" for row in workspace(name).charts)
		for name in ROLE_WORKSPACES
	)
	with as_user(people.staff_a1):
		staff_a1 = chart_data()
	with as_user(people.staff_b1):
		staff_b1 = chart_data()
	assert staff_a1["labels"] == ["On Track", "Due Soon", "Overdue", "No Deadline"]
	(values,) = [d["values"] for d in staff_a1["datasets"]]
	assert values[1:3] == [1, 1] and sum(values) == 3  # the petition due soon, the overdue dispute, the event
	assert sum(staff_b1["datasets"][0]["values"]) == 0


# --- in the browser ------------------------------------------------------------------------------------




CARD_NUMBERS = """() => Object.fromEntries([...document.querySelectorAll('.number-widget-box')]
	.map(w => [w.querySelector('.widget-title').innerText.trim(), (w.querySelector('.number') || {}).innerText || null]))"""


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("who", list(FAMILIES))
def test_role_user_opens_their_workspace_with_numbers(people, chromium, live_server, who, size):
	name = FAMILIES[who]
	ws = workspace(name)
	cards = [row.number_card_name for row in ws.number_cards]
	with as_user(people[who]):
		expected = {card: card_number(card) for card in cards}

	desk = desk_as(chromium, live_server, people[who], PASSWORD, SIZES[size])
	try:
		assert desk.take_problems() == [], f"{who} landing on the desk at {size}"
		SCREENS.mkdir(parents=True, exist_ok=True)
		desk.screenshot(SCREENS / f"landing_{who}_{size}.png")  # /app itself: v16's Desktop of app icons
		desk.route(slug(name))
		desk.page.wait_for_function(
			"""(n) => { const boxes = document.querySelectorAll('.number-widget-box');
				return boxes.length === n && [...boxes].every(b => b.querySelector('.number')); }""",
			arg=len(cards),
			timeout=30_000,
		)
		# the SLA chart draws a bar for the cases each of these users sees (at least the grid event)
		desk.page.wait_for_function(
			"""() => [...document.querySelectorAll('.dashboard-widget-box svg rect')]
				.some(r => parseFloat(r.getAttribute('height')) > 0 && r.closest('.dataset-units, .bar-chart, g'))""",
			timeout=30_000,
		)
		desk.wait_idle()
		shown = desk.page.evaluate(CARD_NUMBERS)
		assert desk.take_problems() == [], f"{who} in {name} at {size}"
		assert shown == {zh(card): str(int(number)) for card, number in expected.items()}
		title = desk.page.evaluate("() => document.title")
		assert zh(name) in title, title
		# v16 boots the sidebars of workspaces; none of another family's (governance/workspaces.py)
		sidebars = desk.page.evaluate("() => Object.keys(frappe.boot.workspace_sidebar_item || {})")
		assert not {w.lower() for w in ROLE_WORKSPACES if w != name} & set(sidebars)
		SCREENS.mkdir(parents=True, exist_ok=True)
		desk.screenshot(SCREENS / f"role_{who}_{size}.png")
	finally:
		desk.page.context.close()
