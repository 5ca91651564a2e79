"""What the app must do the same way on Frappe v15 and v16 (see docs/frappe-compatibility.md)."""

import json
from pathlib import Path

import frappe
import pytest

APP = Path(__file__).resolve().parents[1] / "apps" / "xinqu_governance" / "xinqu_governance"


def app_doctypes() -> list[dict]:
	docs = [json.loads(path.read_text()) for path in sorted(APP.glob("*/doctype/*/*.json"))]
	return [doc for doc in docs if doc.get("doctype") == "DocType"]


def indexes_of(doctype: str) -> dict[str, tuple[str, ...]]:
	rows = frappe.db.sql(f"show index from `tab{doctype}`", as_dict=True)
	columns: dict[str, list] = {}
	for row in rows:
		columns.setdefault(row.Key_name, []).append((row.Seq_in_index, row.Column_name))
	return {key: tuple(column for _seq, column in sorted(parts)) for key, parts in columns.items()}


TABLES = [doc["name"] for doc in app_doctypes() if not doc.get("issingle")]


@pytest.mark.parametrize("doctype", TABLES)
def test_no_index_is_made_twice(doctype):
	"""v16 indexes `creation` by default and v15 does not: the app adds the index only where it is
	missing (a second index on the same columns only slows every insert down)."""
	seen: dict[tuple[str, ...], str] = {}
	for key, columns in indexes_of(doctype).items():
		assert columns not in seen, f"{doctype}: {key} repeats {seen[columns]} {columns}"
		seen[columns] = key


def test_a_unique_field_has_no_search_index_besides():
	"""The unique index serves lookups already; with `search_index` too, the next schema sync of the
	table (any change to the DocType, on v15 as in the runtime) adds `<field>_index` beside it."""
	both = [
		(doc["name"], df["fieldname"])
		for doc in app_doctypes()
		for df in doc["fields"]
		if df.get("unique") and df.get("search_index")
	]
	assert not both


LISTED = [doc["name"] for doc in app_doctypes() if not doc.get("issingle") and not doc.get("istable")]


@pytest.mark.parametrize("doctype", LISTED)
def test_the_sort_column_of_every_list_leads_an_index(doctype):
	"""A list sorted by a column without an index was 22x slower at 200k rows (v15 indexes `modified`
	by default, v16 `creation`; child tables are read through their parent)."""
	sort_field = frappe.get_meta(doctype).sort_field
	assert any(columns[0] == sort_field for columns in indexes_of(doctype).values()), sort_field


MAX_STANDARD_FILTERS = 4


@pytest.mark.parametrize("doctype", LISTED)
def test_a_list_has_at_most_four_standard_filters(doctype):
	"""On a phone the desk stacks every standard filter (`in_standard_filter`) above the list: nine of
	them hid the Grid Event list. Case lists keep jurisdiction, category or type, state and assignee."""
	standard = [df.fieldname for df in frappe.get_meta(doctype).fields if df.in_standard_filter]
	assert len(standard) <= MAX_STANDARD_FILTERS, standard


def test_the_app_creates_the_custom_fields_its_code_reads():
	"""`required_level` and `closes_case` come from the app (after_install / after_migrate, as hrms's
	`create_custom_fields`), not only from the profile; the profile ships the same definitions."""
	from xinqu_governance import install
	from xinqu_governance.cases.custom_fields import workflow_custom_fields

	wanted = {(dt, field["fieldname"]): field for dt, fields in workflow_custom_fields().items() for field in fields}
	# remove the records only (frappe.db.delete runs no controller: the columns and their values stay)
	for dt, fieldname in wanted:
		frappe.db.delete("Custom Field", {"dt": dt, "fieldname": fieldname})
	frappe.clear_cache(doctype="Workflow")
	assert not frappe.get_meta("Workflow Transition").has_field("required_level")

	install.after_migrate()
	frappe.db.commit()
	for (dt, fieldname), field in wanted.items():
		df = frappe.get_meta(dt).get_field(fieldname)
		assert df and df.fieldtype == field["fieldtype"] and (df.options or "") == field.get("options", "")

	profile = json.loads((APP.parents[2] / "fixtures" / "custom_field.json").read_text())
	for row in profile:
		field = wanted[(row["dt"], row["fieldname"])]
		for key in ("fieldtype", "label", "insert_after", "description"):
			assert row.get(key) == field.get(key), (row["fieldname"], key)
		assert (row.get("options") or "") == (field.get("options") or "")


@pytest.mark.parametrize(
	("app", "requires"), [("xinqu_governance", ["frappe"]), ("xinqu_demo", ["frappe", "xinqu_governance"])]
)
def test_required_apps_install_without_asking_github(monkeypatch, app, requires):
	"""v15's `install_app` parses each `required_apps` entry with `installer.parse_app_name`; a bare name
	goes to `fetch_details_from_tag`, which asks GitHub for the organisation (`find_org`) unless the
	entry names it ("org/repo"). On an offline bench that lookup fails the install. The demo app
	requires the app, so installing it installs the app first."""
	import frappe.installer

	def find_org(repo):
		raise AssertionError(f"install-app would look {repo!r} up on GitHub")

	monkeypatch.setattr(frappe.installer, "find_org", find_org)
	required = frappe.get_hooks("required_apps", app_name=app)
	repos = []
	for entry in required:
		# v15 checks os.path.exists and git URLs first; the entry is neither
		assert not Path(entry).exists() and not frappe.installer.is_git_url(entry)
		_org, repo, _tag = frappe.installer.fetch_details_from_tag(entry)
		repos.append(repo)
	assert repos == requires
