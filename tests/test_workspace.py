"""The desk's entry point: the "Xinqu Governance" workspace (module Governance), its four Number Cards
(module Cases) and the app's tile on the apps screen. The records are standard module-folder JSON that
install / migrate sync; these tests read the synced records on the site, check that every link,
shortcut and card names something that exists, that the cards' filters run (and are scoped to the
user's jurisdiction like any list), and that every label a user sees has a Chinese translation."""

import json
from datetime import timedelta
from pathlib import Path

import frappe
import pytest
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import now_datetime
from xinqu_governance.governance.apps_screen import has_app_permission

from tests.case_factories import as_user, case_profile, make_case, new_tree, stage
from tests.factories import make_user
from tests.zh_catalog import zh_catalog

APP = Path(frappe.get_app_path("xinqu_governance"))
WORKSPACE = "Xinqu Governance"
WORKSPACE_FILE = APP / "governance" / "workspace" / "xinqu_governance" / "xinqu_governance.json"
NUMBER_CARD_FILES = sorted((APP / "cases" / "number_card").glob("*/*.json"))
NUMBER_CARDS = ("Open Disputes", "Overdue Disputes", "Petitions This Month", "Open Early Warnings")

pytestmark = pytest.mark.usefixtures("case_profile")


def workspace():
	return frappe.get_doc("Workspace", WORKSPACE)


def card_count(card: str) -> float:
	"""The number the desk shows on `card` for the current user (Frappe's own number card API)."""
	doc = frappe.get_doc("Number Card", card)
	return get_result(doc.as_dict(), doc.filters_json)


# --- the records are on the site -------------------------------------------------------------------


def test_workspace_is_synced_from_its_module_folder():
	shipped = json.loads(WORKSPACE_FILE.read_text())
	ws = workspace()
	assert (ws.module, ws.public, ws.title, ws.label) == ("Governance", 1, WORKSPACE, WORKSPACE)
	assert [(link.type, link.label, link.link_type or None, link.link_to or None) for link in ws.links] == [
		(link["type"], link["label"], link.get("link_type"), link.get("link_to")) for link in shipped["links"]
	]
	assert [s.label for s in ws.shortcuts] == [s["label"] for s in shipped["shortcuts"]]
	assert [n.number_card_name for n in ws.number_cards] == list(NUMBER_CARDS)
	assert json.loads(ws.content) == json.loads(shipped["content"])


def test_workspace_has_the_four_cards_of_links():
	cards = {}
	current = None
	for link in workspace().links:
		if link.type == "Card Break":
			current = cards.setdefault(link.label, [])
		else:
			current.append(link.link_to)
	assert list(cards) == ["Jurisdictions and People", "Registry", "Cases", "Rules"]
	assert "Jurisdiction" in cards["Jurisdictions and People"]
	assert "Grid Coverage" in cards["Registry"]
	assert {"Dispute", "Petition", "Early Warning", "Overdue Queue"} <= set(cards["Cases"])
	assert {"SLA Rule", "Routing Rule", "Workflow"} <= set(cards["Rules"])


@pytest.mark.parametrize("path", NUMBER_CARD_FILES, ids=lambda p: p.stem)
def test_number_cards_are_standard_cards_of_module_cases(path):
	shipped = json.loads(path.read_text())
	card = frappe.get_doc("Number Card", shipped["name"])
	assert path.parent.name == frappe.scrub(card.name)
	if shipped["type"] == "Custom":  # counts across the case DocTypes (cases/desk_cards.py)
		assert (card.is_standard, card.module, card.method) == (1, "Cases", shipped["method"])
		assert frappe.get_attr(card.method) in frappe.whitelisted
		return
	assert (card.is_standard, card.module, card.type, card.function) == (1, "Cases", "Document Type", "Count")
	assert card.document_type == shipped["document_type"]
	assert json.loads(card.filters_json) == json.loads(shipped["filters_json"])


# --- everything it names exists --------------------------------------------------------------------


def test_every_link_and_shortcut_points_to_an_existing_doctype_or_report():
	ws = workspace()
	targets = [
		(link.link_type, link.link_to, link.is_query_report) for link in ws.links if link.type == "Link"
	]
	targets += [(s.type, s.link_to, None) for s in ws.shortcuts]
	for target_type, name, is_query_report in targets:
		assert target_type in ("DocType", "Report"), name
		assert frappe.db.exists(target_type, name), f"{target_type} {name}"
		if target_type == "Report":
			report = frappe.db.get_value("Report", name, ["report_type", "is_standard"], as_dict=True)
			assert (report.report_type, report.is_standard) == ("Script Report", "Yes")
			if is_query_report is not None:
				assert is_query_report == 1, name


def test_every_block_of_the_content_names_a_row_of_the_workspace():
	"""The desk draws a content block by finding the row whose label equals the block's name."""
	ws = workspace()
	rows = {
		"card": {link.label for link in ws.links if link.type == "Card Break"},
		"shortcut": {s.label for s in ws.shortcuts},
		"number_card": {n.label or n.number_card_name for n in ws.number_cards},
	}
	blocks = json.loads(ws.content)
	named = {kind: {b["data"][f"{kind}_name"] for b in blocks if b["type"] == kind} for kind in rows}
	assert named == rows
	for row in ws.number_cards:
		assert frappe.db.exists("Number Card", row.number_card_name)


# --- the number cards count, scoped like any list ---------------------------------------------------


@pytest.mark.parametrize("card", NUMBER_CARDS)
def test_number_card_filters_are_valid(card):
	doc = frappe.get_doc("Number Card", card)
	filters = json.loads(doc.filters_json)
	assert all(f[0] == doc.document_type for f in filters)
	names = frappe.get_list(doc.document_type, filters=filters, pluck="name", limit_page_length=0)
	assert card_count(card) == len(names)


@pytest.fixture
def people():
	return stage(new_tree())


def counts_as(users: dict) -> dict:
	result = {}
	for who, user in users.items():
		with as_user(user):
			result[who] = {card: card_count(card) for card in NUMBER_CARDS}
	return result


def warning_at(node: str, case, status: str = "Open") -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Early Warning",
				"rule_type": "Overdue Case",
				"level": "Yellow",
				"status": status,
				"jurisdiction": node,
				"case_doctype": case.doctype,
				"case_name": case.name,
				"case_jurisdiction": case.jurisdiction,
				"message": "测试预警",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def test_number_cards_count_only_the_users_jurisdiction(people):
	users = {"staff_a1": people.staff_a1, "staff_a2": people.staff_a2, "admin": "Administrator"}
	before = counts_as(users)

	open_a1 = make_case("Dispute", people.village_a1)
	open_grid_a1 = make_case("Dispute", people.grid_a1)
	open_a2 = make_case("Dispute", people.village_a2)
	withdrawn_a1 = make_case("Dispute", people.village_a1)
	closed_late_a1 = make_case("Dispute", people.village_a1)
	frappe.db.set_value("Dispute", withdrawn_a1.name, "is_withdrawn", 1)
	frappe.db.set_value(
		"Dispute", closed_late_a1.name, {"closed_on": now_datetime(), "sla_status": "Overdue"}
	)
	for overdue in (open_a1, open_a2):
		frappe.db.set_value("Dispute", overdue.name, "sla_status", "Overdue")

	make_case("Petition", people.village_a1)
	make_case("Petition", people.village_a2)
	old_petition = make_case("Petition", people.village_a1)
	frappe.db.set_value("Petition", old_petition.name, "reported_on", now_datetime() - timedelta(days=70))

	warning_at(people.village_a1, open_a1)
	warning_at(people.village_a2, open_a2)
	warning_at(people.village_a1, open_grid_a1, status="Closed")

	after = counts_as(users)
	added = {who: {card: after[who][card] - before[who][card] for card in NUMBER_CARDS} for who in users}
	assert added["staff_a1"] == {
		"Open Disputes": 2,
		"Overdue Disputes": 1,
		"Petitions This Month": 1,
		"Open Early Warnings": 1,
	}
	assert added["staff_a2"] == dict.fromkeys(NUMBER_CARDS, 1)
	assert added["admin"] == {
		"Open Disputes": 3,
		"Overdue Disputes": 2,
		"Petitions This Month": 2,
		"Open Early Warnings": 2,
	}


def test_desk_page_of_a_village_user_shows_the_cards_and_shortcuts(people):
	from frappe.desk.desktop import get_desktop_page

	page = json.dumps({"name": WORKSPACE, "title": WORKSPACE, "public": 1})
	with as_user(people.staff_a1):
		desk = get_desktop_page(page)
	assert [n.number_card_name for n in desk["number_cards"]["items"]] == list(NUMBER_CARDS)
	assert {"Dispute", "Petition", "Household", "Resident", "Overdue Queue"} <= {
		s["label"] for s in desk["shortcuts"]["items"]
	}
	case_links = next(c for c in desk["cards"]["items"] if c["label"] == "Cases")["links"]
	assert {"Dispute", "Overdue Queue"} <= {link["link_to"] for link in case_links}


# --- the apps screen ----------------------------------------------------------------------------


def test_app_is_on_the_apps_screen_with_logo_and_workspace_route():
	(entry,) = [a for a in frappe.get_hooks("add_to_apps_screen") if a.get("name") == "xinqu_governance"]
	assert entry["title"] == "Xinqu Governance"
	assert entry["route"] == "/app"  # the desk's home: the user's default workspace
	assert entry["logo"] == "/assets/xinqu_governance/images/logo.svg"
	assert (APP / "public" / "images" / "logo.svg").read_text().lstrip().startswith("<svg")
	assert frappe.get_attr(entry["has_permission"]) is has_app_permission


def test_apps_screen_tile_is_for_governance_roles_and_system_managers(people):
	outsider = make_user("xq-ws-outsider")
	manager = make_user("xq-ws-manager", roles=("System Manager",))
	expected = {people.grid_worker: True, people.staff_a1: True, manager: True, outsider: False}
	seen = {}
	for user in expected:
		with as_user(user):
			seen[user] = has_app_permission()
	assert seen == expected


# --- translations ---------------------------------------------------------------------------------


def desk_labels():
	shipped = json.loads(WORKSPACE_FILE.read_text())
	yield shipped["title"]
	for link in shipped["links"]:
		yield link["label"]
	for shortcut in shipped["shortcuts"]:
		yield shortcut["label"]
		if shortcut.get("format"):
			yield shortcut["format"]
	for row in shipped["number_cards"]:
		yield row["label"]
	for path in NUMBER_CARD_FILES:
		yield json.loads(path.read_text())["label"]


def test_every_desk_label_is_translated():
	catalog = zh_catalog()
	assert sorted({label for label in desk_labels() if not catalog.get(label)}) == []
	assert catalog[WORKSPACE] == "基层治理"


def test_workspace_title_is_chinese_in_a_chinese_session():
	frappe.local.lang = "zh"
	try:
		assert frappe._(WORKSPACE) == "基层治理"
		assert frappe._("Open Disputes") == "未办结矛盾纠纷"
	finally:
		frappe.local.lang = "en"
