"""The app's whitelisted functions: typed, in `api/` unless Frappe's conventions put them elsewhere,
and each called by something (a desk script, the portal, or a documented client of the REST API).

hooks.py sets `require_type_annotated_api_methods`, so on Frappe an untyped argument of any of these
fails the request before the function runs (frappe/utils/typing_validations.py); this runtime does not
enforce the hook, so the check is here."""

import importlib
import inspect
import pkgutil
import re

import frappe
import xinqu_governance

from tests.factories import REPO

APP = REPO / "apps" / "xinqu_governance" / "xinqu_governance"


def app_whitelisted() -> dict[str, object]:
	"""Every whitelisted function of the app by dotted path (every module imported first)."""
	for module in pkgutil.walk_packages(xinqu_governance.__path__, "xinqu_governance."):
		if ".test_" not in module.name and not module.name.endswith(".patches"):
			importlib.import_module(module.name)
	return {
		f"{fn.__module__}.{fn.__qualname__}": fn
		for fn in frappe.whitelisted
		if fn.__module__.startswith("xinqu_governance.")
	}


def untyped(fn) -> list[str]:
	signature = inspect.signature(fn)
	missing = [
		name
		for index, (name, parameter) in enumerate(signature.parameters.items())
		if parameter.annotation is inspect.Parameter.empty
		and not (index == 0 and name in ("self", "cls"))
		and parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
	]
	if signature.return_annotation is inspect.Signature.empty:
		missing.append("return")
	return missing


def stays_where_frappe_puts_it(path: str, fn) -> bool:
	"""Document methods, overrides of Frappe's endpoints, Number Card methods, Dashboard Chart Sources."""
	overrides = {target for targets in frappe.get_hooks("override_whitelisted_methods").values() for target in targets}
	return (
		"." in fn.__qualname__  # a method of a Document
		or path in overrides
		or fn.__module__ == "xinqu_governance.cases.desk_cards"
		or ".dashboard_chart_source." in fn.__module__
	)


def test_every_whitelisted_function_is_typed():
	whitelisted = app_whitelisted()
	assert "xinqu_governance.api.portal.submit" in whitelisted
	assert {path: untyped(fn) for path, fn in whitelisted.items() if untyped(fn)} == {}


def test_whitelisted_functions_live_in_the_api_package():
	misplaced = [
		path
		for path, fn in app_whitelisted().items()
		if not path.startswith("xinqu_governance.api.") and not stays_where_frappe_puts_it(path, fn)
	]
	assert misplaced == []


def callers() -> str:
	"""The app's scripts and pages, and the docs that name the REST API to outside clients."""
	files = [*APP.rglob("*.js"), *APP.rglob("*.html"), *(REPO / "docs").glob("*.md"), *REPO.glob("fixtures/**/*.md")]
	files += [*REPO.glob("fixtures/*.json"), *APP.glob("*/number_card/*/*.json")]  # Number Cards name their methods
	files += [*APP.glob("*/dashboard_chart/*/*.json")]  # charts name their source
	return "\n".join(path.read_text(encoding="utf-8") for path in files)


def chart_source_in_use(fn, text: str) -> bool:
	"""Frappe calls a Dashboard Chart Source's `get` by the source's folder; a chart names the source."""
	folder = fn.__module__.rsplit(".", 1)[1]
	return any(f'"source": "{name}"' in text for name in frappe.get_all("Dashboard Chart Source", pluck="name") if frappe.scrub(name) == folder)


def test_every_whitelisted_function_is_called_by_something():
	text = callers()
	uncalled = []
	for path, fn in app_whitelisted().items():
		if "." in fn.__qualname__:  # a Document method: its form calls it by name
			name = fn.__qualname__.rsplit(".", 1)[1]
			found = re.search(rf"""(frm\.call|call)\(\s*\{{?\s*(method:\s*)?["']{name}["']""", text)
		elif ".dashboard_chart_source." in fn.__module__:
			found = chart_source_in_use(fn, text)
		else:
			found = path in text or in_override(path)
		if not found:
			uncalled.append(path)
	assert uncalled == []


def in_override(path: str) -> bool:
	return any(path in targets for targets in frappe.get_hooks("override_whitelisted_methods").values())


def test_an_api_argument_of_the_wrong_type_is_refused(live_server, http_login):
	"""The declared types are checked per request: a list where a text is due is a clear 4xx, not a
	500 from inside the function."""
	from tests.factories import PASSWORD, make_jurisdiction_tree, make_user_at, purge_tree

	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	user = make_user_at("Village Staff", tree.village_a1, prefix="xq-api")
	frappe.db.commit()
	url = f"{live_server}/api/method/xinqu_governance.api.registry.read_citizen_id"
	try:
		session = http_login(user, PASSWORD)
		ok = session.post(url, json={"number": "11010519491231002X"}, timeout=60)
		assert ok.status_code == 200, ok.text
		assert ok.json()["message"]["valid"] is True
		wrong = session.post(url, json={"number": ["11010519491231002X"]}, timeout=60)
		assert wrong.status_code == 417, wrong.text
		assert "TypeError" in wrong.json()["exc_type"]  # FrappeTypeError
	finally:
		purge_tree(tree, users=[user])
