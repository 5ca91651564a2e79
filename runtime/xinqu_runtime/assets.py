"""Fix 6 (part) and the assets fact: what `bench build` leaves in sites/assets on real Frappe.

monoframe ships no built JS/CSS; `include_style()` reads `assets/assets.json` (an empty map is
what a build with no bundles writes), and an app's `public/` is served at `/assets/<app>/` only
once `assets/<app>` links to it.
"""

import json
import os
from pathlib import Path


def link_app_assets(frappe, site_dir: Path) -> None:
	assets = site_dir / "assets"
	assets.mkdir(exist_ok=True)
	manifest = assets / "assets.json"
	if not manifest.exists():
		manifest.write_text(json.dumps({}))
	for app in frappe.get_installed_apps():
		public = Path(frappe.get_app_path(app, "public"))
		link = assets / app
		if public.is_dir() and not link.exists():
			os.symlink(public, link)
