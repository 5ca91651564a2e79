"""Every label, option and workflow word a user sees has a Chinese translation (zh), in the app's gettext
catalogue (locale/zh.po with its template main.pot), and the site serves it."""

import json
import re
import subprocess
import sys
from pathlib import Path

import frappe

from tests.zh_catalog import MAIN_POT, ZH_PO, read_catalog, zh_catalog

APP = Path(frappe.get_app_path("xinqu_governance"))
REPO = APP.parents[2]
LAYOUT_TYPES = {"Section Break", "Column Break", "Tab Break"}


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
	"""(babel would silently keep the last of two entries: count them in the file itself)"""
	sources = re.findall(r'^msgid "(.+)"$', ZH_PO.read_text(encoding="utf-8"), re.MULTILINE)
	duplicates = {s for s in sources if sources.count(s) > 1}
	assert sources and not duplicates


def test_catalogue_is_gettext_only_and_as_the_converter_writes_it():
	"""The old csv catalogue is gone (a merged branch that re-adds translations/zh.csv fails here until
	scripts/translations_to_po.py has moved its rows into zh.po), main.pot holds exactly zh.po's source
	strings, and every one of them is translated."""
	assert not (APP / "translations").exists()
	check = subprocess.run(
		[sys.executable, str(REPO / "scripts" / "translations_to_po.py"), "--check"], capture_output=True, text=True
	)
	assert check.returncode == 0, check.stdout + check.stderr
	po = {(m.id, m.context) for m in read_catalog(ZH_PO) if m.id}
	pot = read_catalog(MAIN_POT)
	assert {(m.id, m.context) for m in pot if m.id} == po
	assert not [m.id for m in pot if m.id and m.string]
	assert not [key for key, text in zh_catalog().items() if not text.strip()]


def test_site_serves_every_catalogue_entry():
	"""The site loads the compiled catalogue (runtime: compiled at new-site / migrate, as `bench build`
	compiles `locale/*.po` to `sites/assets/locale/<lang>/LC_MESSAGES/<app>.mo` on a bench)."""
	from frappe.translate import get_all_translations

	served = get_all_translations("zh")
	wrong = {source: text for source, text in zh_catalog().items() if served.get(source) != text}
	assert wrong == {}


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
