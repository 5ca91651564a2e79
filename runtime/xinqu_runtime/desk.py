"""Fix 10: the desk's bundles, built here as `bench build` builds them on a real bench.

monoframe ships the desk's sources under `monoframe/public/` but no bundles, no package.json and no
build script. `runtime/desk/` holds ours: `package.json` + lockfile (packages from the npm registry)
and `build.mjs` (esbuild, sass, Vue SFCs; entry points, `dist/` names and `assets.json` as Frappe
writes them). `build()` runs it for monoframe and every app, and skips it when nothing it reads
changed. `link()` makes a site's `assets/` what `bench build` leaves in `sites/assets`:
`assets/<app>/` = the app's `public/` plus the built `dist/`, `assets/assets.json`, and the aliases
the half-renamed fork needs (`assets/frappe` = `assets/monoframe`, `node_modules` served under
`assets/monoframe/node_modules` with the fork's `monoframe-*` package names).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

DESK = Path(__file__).resolve().parents[1] / "desk"
NODE_MODULES = DESK / "node_modules"
BUILD = DESK / "build"
ASSETS = BUILD / "assets"
STAMP = BUILD / ".inputs"
FRAMEWORK = "monoframe"
# npm packages the fork's runtime URLs name `monoframe-*` (e.g. the gantt view's script tag)
RENAMED_PACKAGES = ("charts", "datatable", "gantt", "quill-image-resize")
# images the fork's templates and boot name but does not ship, and the file each stands for
RENAMED_IMAGES = {
	"monoframe-favicon.svg": "frappe-favicon.svg",
	"monoframe-framework-logo.svg": "frappe-framework-logo.svg",
	"monoframe-logo.svg": "frappe-framework-logo.svg",
}


def public_dir(app: str) -> Path:
	spec = importlib.util.find_spec(app)
	if spec is None or not spec.submodule_search_locations:
		raise RuntimeError(f"app {app} is not importable")
	return Path(list(spec.submodule_search_locations)[0]) / "public"


def apps_to_build(apps: list[str]) -> list[str]:
	return [FRAMEWORK, *[a for a in apps if a != FRAMEWORK]]


def _hash_tree(digest, root: Path) -> None:
	for dirpath, dirnames, filenames in os.walk(root):
		dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", "dist"))
		for name in sorted(filenames):
			path = Path(dirpath, name)
			digest.update(str(path.relative_to(root)).encode())
			digest.update(path.read_bytes())


def inputs_digest(apps: list[str], production: bool) -> str:
	"""Everything the build reads: the lockfile, the build script, each app's public/ sources."""
	digest = hashlib.sha256()
	digest.update(b"production" if production else b"development")
	for name in ("package-lock.json", "build.mjs"):
		digest.update((DESK / name).read_bytes())
	for app in apps_to_build(apps):
		digest.update(app.encode())
		public = public_dir(app)
		if public.is_dir():
			_hash_tree(digest, public)
	return digest.hexdigest()


def ensure_node_modules(log=print, folder: Path = DESK) -> None:
	"""`npm ci` in `folder` (the desk's by default) when its node_modules does not match the lockfile."""
	lock = (folder / "package-lock.json").read_bytes()
	installed = folder / "node_modules" / ".xinqu-lock"
	if installed.exists() and installed.read_bytes() == hashlib.sha256(lock).hexdigest().encode():
		return
	log(f"installing npm packages (runtime/{folder.name}/package-lock.json)")
	subprocess.run(
		["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True, stdout=subprocess.DEVNULL
	)
	installed.write_text(hashlib.sha256(lock).hexdigest())


def build(apps: list[str], production: bool = True, force: bool = False, log=print) -> bool:
	"""Build the bundles unless the inputs are those of the last build. True when it built."""
	ensure_node_modules(log)
	digest = inputs_digest(apps, production)
	if not force and STAMP.exists() and STAMP.read_text() == digest and (ASSETS / "assets.json").exists():
		return False
	BUILD.mkdir(exist_ok=True)
	config = {
		"out": str(ASSETS),
		"production": production,
		"apps": [{"name": app, "public": str(public_dir(app))} for app in apps_to_build(apps)],
	}
	config_file = BUILD / "config.json"
	config_file.write_text(json.dumps(config, indent=1))
	log("building the desk bundles (runtime/desk/build.mjs)")
	subprocess.run(["node", str(DESK / "build.mjs"), str(config_file)], cwd=DESK, check=True)
	_overlay_public(apps)
	_forget_cached_manifest()
	STAMP.write_text(digest)
	return True


def _forget_cached_manifest() -> None:
	"""Frappe caches assets.json in Redis under the shared key `assets_json` (its esbuild rewrites
	it after a build): drop it so running sites read the new bundle names."""
	import redis

	url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
	try:
		redis.Redis.from_url(url).delete("assets_json")
	except redis.exceptions.ConnectionError:
		pass


def _symlink(target: Path, link: Path) -> None:
	if link.is_symlink() or link.is_file():
		link.unlink()
	elif link.is_dir():
		shutil.rmtree(link)
	link.symlink_to(target)


def _overlay_public(apps: list[str]) -> None:
	"""`ASSETS/<app>/` = every entry of the app's public/ (linked) beside the built dist/."""
	for app in apps_to_build(apps):
		public = public_dir(app)
		served = ASSETS / app
		served.mkdir(parents=True, exist_ok=True)
		if public.is_dir():
			for entry in public.iterdir():
				if entry.name not in ("dist", "node_modules"):
					_symlink(entry, served / entry.name)
	modules = ASSETS / FRAMEWORK / "node_modules"
	if modules.is_symlink():
		modules.unlink()
	modules.mkdir(exist_ok=True)
	for package in NODE_MODULES.iterdir():
		if not package.name.startswith("."):
			_symlink(package, modules / package.name)
	for name in RENAMED_PACKAGES:
		real = NODE_MODULES / f"frappe-{name}"
		if not real.is_dir():
			continue
		alias = modules / f"monoframe-{name}"
		_symlink(real, alias) if not (real / "dist").is_dir() else _alias_package(real, alias, name)
	images = ASSETS / FRAMEWORK / "images"
	if images.is_symlink():
		images.unlink()
	images.mkdir(exist_ok=True)
	for image in (public_dir(FRAMEWORK) / "images").iterdir():
		_symlink(image, images / image.name)
	for missing, existing in RENAMED_IMAGES.items():
		if not (images / missing).exists():
			_symlink(images / existing, images / missing)
	_symlink(Path(FRAMEWORK), ASSETS / "frappe")


def _alias_package(real: Path, alias: Path, name: str) -> None:
	"""`monoframe-<name>/dist/monoframe-<name>.x` → `frappe-<name>/dist/frappe-<name>.x`."""
	if alias.is_symlink() or alias.is_file():
		alias.unlink()
	(alias / "dist").mkdir(parents=True, exist_ok=True)
	for file in (real / "dist").iterdir():
		_symlink(file, alias / "dist" / file.name.replace(f"frappe-{name}", f"monoframe-{name}"))


def is_built() -> bool:
	return (ASSETS / "assets.json").exists()


def link(site_dir: Path) -> bool:
	"""Point a site's assets/ at the build. False (and nothing changed) when there is no build."""
	if not is_built():
		return False
	assets = site_dir / "assets"
	assets.mkdir(exist_ok=True)
	for entry in ASSETS.iterdir():
		_symlink(entry, assets / entry.name)
	return True
