"""Fix 3 and 8: make extra apps first-class in single-tenant monoframe.

monoframe hard-codes its app list to ["monoframe"] (get_installed_apps, get_all_apps, the hook
loader, the module map, get_app_path, sync_all, get_all_patches) and install_app refuses any other
name. Real Frappe keeps the installed apps as the JSON global "installed_apps"; this layer does the
same, so the framework's own code paths (sync, patches, fixtures, jobs, hooks) see every app.
The list of apps that may be installed comes from the runtime configuration (`APPS` in .env).
"""

import json
import os
import types

FRAMEWORK = "monoframe"


def configured_apps() -> list[str]:
	return [a.strip() for a in os.environ.get("APPS", "").split(",") if a.strip()]


def apply(frappe) -> None:
	from frappe import installer, patches
	from frappe.model import sync

	def get_all_apps(with_internal_apps=True, sites_path=None):
		return [FRAMEWORK, *configured_apps()]

	def get_installed_apps(*, _ensure_on_bench=False):
		if getattr(frappe.local.flags, "in_install_db", True) or not getattr(frappe.local, "db", None):
			return []
		cache = frappe.local.request_cache.setdefault("xq_installed_apps", {})
		if "apps" not in cache:
			recorded = json.loads(frappe.db.get_global("installed_apps") or "[]")
			cache["apps"] = [a for a in recorded if a in get_all_apps()]
		return list(cache["apps"])

	def get_app_path(app_name, *joins):
		return frappe.get_pymodule_path(app_name or FRAMEWORK, *joins)

	def get_app_source_path(app_name, *joins):
		return frappe.get_pymodule_path(app_name or FRAMEWORK, "..", *joins)

	def get_module_list(app_name=FRAMEWORK):
		return frappe.get_file_items(get_app_path(app_name, "modules.txt"))

	def _load_app_hooks(app_name=None):
		hooks = {}
		apps = [app_name] if app_name else frappe.get_installed_apps()
		for app in apps:
			try:
				app_hooks = frappe.get_module(f"{app}.hooks")
			except ImportError:
				if frappe.local.flags.in_install_app:
					continue
				raise
			for key, value in vars(app_hooks).items():
				if key.startswith("_") or isinstance(value, types.ModuleType | types.FunctionType | type):
					continue
				frappe.append_hook(hooks, key, value)
		return hooks

	def get_hooks(hook=None, default="_KEEP_DEFAULT_LIST", app_name=None):
		if app_name:
			hooks = frappe._dict(_load_app_hooks(app_name))
		else:
			hooks = frappe.local.request_cache.setdefault("xq_hooks", {}).get("all")
			if hooks is None:
				hooks = frappe._dict(_load_app_hooks())
				frappe.local.request_cache["xq_hooks"]["all"] = hooks
		if hook:
			return hooks.get(hook, ([] if default == "_KEEP_DEFAULT_LIST" else default))
		return frappe._dict(hooks)

	def setup_module_map(include_all_apps=True):
		# runs in init(), before any DB connection (web requests, jobs): map every app in APPS, as
		# Frappe does for include_all_apps; a module of an app not installed yet maps harmlessly
		apps = get_all_apps()
		app_modules = {app: [frappe.scrub(m) for m in get_module_list(app)] for app in apps}
		frappe.local.app_modules = app_modules
		frappe.local.module_app = {m: app for app, mods in app_modules.items() for m in mods}

	def add_to_installed_apps(app_name, rebuild_website=True):
		installed = json.loads(frappe.db.get_global("installed_apps") or "[]")
		if app_name not in installed:
			installed.append(app_name)
			frappe.db.set_global("installed_apps", json.dumps(installed))
			frappe.db.commit()
		frappe.local.request_cache.pop("xq_installed_apps", None)
		if frappe.flags.in_install:
			installer.post_install(rebuild_website)

	def install_app(name, verbose=False, set_as_patched=True, force=False):
		"""Frappe's installer.install_app, without monoframe's single-tenant guard.

		As in Frappe: each app of the app's `required_apps` is installed first (the framework, "frappe",
		is there already; monoframe's single-tenant cut dropped this step), the framework's own Module
		Defs come with its DocType sync, and only the app being installed contributes its install hooks
		(no other app's doc_events run yet).
		"""
		from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs
		from frappe.model.module_utils import sync_customizations
		from frappe.utils.dashboard import sync_dashboards
		from frappe.utils.fixtures import sync_fixtures

		if name not in get_all_apps():
			raise ValueError(f"App {name} is not listed in APPS")
		for entry in _load_app_hooks(name).get("required_apps") or []:
			required = installer.parse_app_name(entry)
			if required not in ("frappe", FRAMEWORK):
				install_app(required, verbose=verbose)
		frappe.flags.in_install = name
		frappe.clear_cache()
		if not force and name in frappe.get_installed_apps():
			print(f"App {name} already installed")
			frappe.flags.in_install = False
			return
		app_hooks = frappe._dict(_load_app_hooks(name))
		print(f"\nInstalling {name}...")
		for before_install in app_hooks.before_install or []:
			if frappe.get_attr(before_install)() is False:
				return
		for fn in frappe.get_hooks("before_app_install"):
			frappe.get_attr(fn)(name)
		if name != FRAMEWORK:
			installer.add_module_defs(name, ignore_if_duplicate=True)
		sync.sync_for(name, force=force, reset_permissions=True)
		add_to_installed_apps(name)
		frappe.get_doc("Portal Settings", "Portal Settings").sync_menu()
		if set_as_patched:
			installer.set_all_patches_as_completed(name)
		for after_install in app_hooks.after_install or []:
			frappe.get_attr(after_install)()
		for fn in frappe.get_hooks("after_app_install"):
			frappe.get_attr(fn)(name)
		sync_jobs()
		sync_fixtures(name)
		sync_customizations(name)
		sync_dashboards(name)
		for after_sync in app_hooks.after_sync or []:
			frappe.get_attr(after_sync)()
		frappe.clear_cache()
		frappe.flags.in_install = False

	def sync_all(force=0, reset_permissions=False):
		sync._patch_mode(True)
		for app in frappe.get_installed_apps() or [FRAMEWORK]:
			sync.sync_for(app, force, reset_permissions=reset_permissions)
		sync._patch_mode(False)
		frappe.clear_cache()

	def get_all_patches(patch_type=None):
		out = []
		for app in frappe.get_installed_apps() or [FRAMEWORK]:
			out.extend(patches.get_patches_from_app(app, patch_type=patch_type))
		return out

	frappe.get_all_apps = get_all_apps
	frappe.get_installed_apps = get_installed_apps
	frappe.get_app_path = get_app_path
	frappe.get_app_source_path = get_app_source_path
	frappe.get_module_list = get_module_list
	frappe._load_app_hooks = _load_app_hooks
	frappe.get_hooks = get_hooks
	frappe.setup_module_map = setup_module_map
	installer.install_app = install_app
	installer.add_to_installed_apps = add_to_installed_apps
	sync.sync_all = sync_all
	patches.get_all_patches = get_all_patches
