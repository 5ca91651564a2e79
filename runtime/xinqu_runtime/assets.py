"""Fix 6 (part) and fix 10 (part): what `bench build` leaves in sites/assets on real Frappe.

`include_script()` / `include_style()` read `assets/assets.json`, and an app's `public/` is served
at `/assets/<app>/`. With the desk built (`desk.build`, fix 10) a site's assets/ points at the build;
without it (a runtime used only over HTTP/JSON) the manifest is empty and `assets/<app>` links the
app's public/ as before.
"""

import json
import os
from pathlib import Path

from . import desk


def link_app_assets(frappe, site_dir: Path) -> None:
	assets = site_dir / "assets"
	assets.mkdir(exist_ok=True)
	if desk.link(site_dir):
		# Frappe caches the manifest in Redis (shared across sites of a bench); a rebuild changes it
		frappe.client_cache.delete_value("assets_json", shared=True)
		return
	manifest = assets / "assets.json"
	if not manifest.exists():
		manifest.write_text(json.dumps({}))
	for app in frappe.get_installed_apps():
		public = Path(frappe.get_app_path(app, "public"))
		link = assets / app
		if public.is_dir() and not link.exists():
			os.symlink(public, link)
