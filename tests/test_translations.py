"""Every label, option and workflow word a user sees has a Chinese translation (zh)."""

import csv
import json
from pathlib import Path

import frappe

APP = Path(frappe.get_app_path("xinqu_governance"))
REPO = APP.parents[2]
LAYOUT_TYPES = {"Section Break", "Column Break", "Tab Break"}


def zh_catalog() -> dict[str, str]:
	with open(APP / "translations" / "zh.csv", newline="", encoding="utf-8") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def user_visible_strings():
	for path in sorted(APP.glob("*/doctype/*/*.json")):
		meta = json.loads(path.read_text())
		if meta.get("doctype") != "DocType":
			continue
		yield path.name, meta["name"]
		for field in meta.get("fields", []):
			if field.get("label") and not (field["fieldtype"] in LAYOUT_TYPES and field.get("hidden")):
				yield path.name, field["label"]
			if field["fieldtype"] == "Select":
				for option in (field.get("options") or "").split("\n"):
					if option.strip():
						yield path.name, option.strip()
	for path in sorted((REPO / "workflows").glob("*.json")):
		for doc in json.loads(path.read_text()):
			if doc.get("doctype") == "Workflow State":
				yield path.name, doc["workflow_state_name"]
			if doc.get("doctype") == "Workflow Action Master":
				yield path.name, doc["workflow_action_name"]
	for role in json.loads((REPO / "fixtures" / "role.json").read_text()):
		yield "role.json", role["role_name"]


def test_zh_catalog_has_no_duplicate_sources():
	with open(APP / "translations" / "zh.csv", newline="", encoding="utf-8") as f:
		sources = [row[0] for row in csv.reader(f) if row]
	duplicates = {s for s in sources if sources.count(s) > 1}
	assert not duplicates


def test_every_visible_string_is_translated():
	catalog = zh_catalog()
	missing = sorted({f"{where}: {text}" for where, text in user_visible_strings() if not catalog.get(text)})
	assert missing == [], "\n".join(missing)


def test_site_language_gives_chinese_labels():
	frappe.local.lang = "zh"
	try:
		assert frappe._("Jurisdiction") != "Jurisdiction"
	finally:
		frappe.local.lang = "en"


MESSAGE = r'(?<![\w.])_{1,2}\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]'
MESSAGE_SINGLE = r"(?<![\w.])_{1,2}\(\s*'((?:[^'\\]|\\.)*)'\s*[,)]"


def translatable_literals():
	"""Literal strings passed to _() / __() in the app's Python, JS and Jinja sources."""
	import re

	for path in sorted(APP.rglob("*")):
		if path.suffix not in {".py", ".js", ".html"} or "tests" in path.parts or path.name.startswith("test_"):
			continue
		text = path.read_text(encoding="utf-8")
		for pattern in (MESSAGE, MESSAGE_SINGLE):
			for match in re.finditer(pattern, text):
				yield path.relative_to(APP), match.group(1).replace('\\"', '"').replace("\\'", "'")


def test_every_message_is_translated():
	catalog = zh_catalog()
	missing = sorted({f"{where}: {text}" for where, text in translatable_literals() if not catalog.get(text)})
	assert missing == [], "\n".join(missing)
