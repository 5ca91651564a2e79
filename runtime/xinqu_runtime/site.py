"""Fix 5: create a site (database + framework + apps), since monoframe has no working command.

A "site" here is a folder holding `.env` (fix 6: monoframe reads its config from the working
directory), `logs/`, `public/files`, `private/files`, `assets/`. The database is created with the
MariaDB root account, the framework schema is bootstrapped from monoframe's SQL dump, the
framework is installed, then each app, as `bench new-site` + `bench install-app` do.
"""

import os
import secrets
from pathlib import Path

ENV_TEMPLATE = """# written by runtime/xinqu_runtime/site.py
DB_TYPE=mariadb
DB_HOST={db_host}
DB_PORT={db_port}
DB_NAME={db_name}
DB_USER={db_name}
DB_PASSWORD={db_password}
REDIS_CACHE={redis}
REDIS_QUEUE={redis}
DEVELOPER_MODE={developer_mode}
ALLOW_TESTS={allow_tests}
SECRET_KEY={secret}
SERVER_PORT={port}
APPS={apps}
LANG_CODE={lang}
"""


def write_env(site_dir: Path, db_name: str, apps: list[str], *, port=8000, allow_tests=0, lang="zh") -> Path:
	site_dir.mkdir(parents=True, exist_ok=True)
	env = site_dir / ".env"
	if env.exists():
		add_apps(env, apps)
		return env
	# monoframe resolves files from the cwd; its logger writes to ../logs and <site>/logs
	for sub in ("logs", "public/files", "private/files", "private/backups", "assets", "locks", f"{db_name}/logs"):
		(site_dir / sub).mkdir(parents=True, exist_ok=True)
	(site_dir.parent / "logs").mkdir(exist_ok=True)
	env.write_text(
		ENV_TEMPLATE.format(
			db_host=os.environ.get("DB_HOST", "127.0.0.1"),
			db_port=os.environ.get("DB_PORT", "3306"),
			db_name=db_name,
			db_password=secrets.token_hex(12),
			redis=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379"),
			developer_mode=1,
			allow_tests=allow_tests,
			secret=secrets.token_hex(24),
			port=port,
			apps=",".join(apps),
			lang=lang,
		)
	)
	return env


def add_apps(env: Path, apps: list[str]) -> None:
	"""An existing site keeps its config; apps asked for that its APPS line lacks are added to it (the
	next migrate installs them, as `bench install-app` would). No app is ever taken off."""
	lines = env.read_text().splitlines()
	for i, line in enumerate(lines):
		if line.startswith("APPS="):
			current = [a for a in line.removeprefix("APPS=").split(",") if a]
			missing = [a for a in apps if a not in current]
			if missing:
				lines[i] = "APPS=" + ",".join(current + missing)
				env.write_text("\n".join(lines) + "\n")
			return


def load_env(site_dir: Path) -> None:
	"""Enter the site folder and load its .env (monoframe resolves paths from the cwd)."""
	from dotenv import load_dotenv

	os.chdir(site_dir)
	load_dotenv(site_dir / ".env", override=True)


def connect(site_dir: Path):
	"""Load the site's config, activate the runtime and connect `frappe` as Administrator."""
	load_env(site_dir)
	from . import activate

	activate()
	import frappe

	frappe.init(force=True)
	frappe.connect()
	return frappe


def create_database(db_name: str, db_password: str) -> None:
	"""Create (or recreate) the database and its own user, as `bench new-site` does with root."""
	root = root_connection()
	cur = root.cursor()
	cur.execute(f"DROP DATABASE IF EXISTS `{db_name}`")
	cur.execute(f"CREATE DATABASE `{db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	for host in ("localhost", "127.0.0.1"):
		cur.execute(f"CREATE USER IF NOT EXISTS '{db_name}'@'{host}' IDENTIFIED BY %s", (db_password,))
		cur.execute(f"ALTER USER '{db_name}'@'{host}' IDENTIFIED BY %s", (db_password,))
		cur.execute(f"GRANT ALL PRIVILEGES ON `{db_name}`.* TO '{db_name}'@'{host}'")
	cur.execute("FLUSH PRIVILEGES")
	root.commit()
	root.close()


def root_connection():
	"""MariaDB's root: over TCP with DB_ROOT_PASSWORD (empty here), else, as on a fresh Debian
	install where root authenticates by unix_socket, over the server's socket as the OS root."""
	import MySQLdb

	user = os.environ.get("DB_ROOT_USER", "root")
	try:
		return MySQLdb.connect(
			host=os.environ.get("DB_HOST", "127.0.0.1"),
			port=int(os.environ.get("DB_PORT", "3306")),
			user=user,
			passwd=os.environ.get("DB_ROOT_PASSWORD", ""),
		)
	except MySQLdb.OperationalError:
		socket = os.environ.get("DB_SOCKET", "/run/mysqld/mysqld.sock")
		return MySQLdb.connect(unix_socket=socket, user=user)


def database_is_installed(site_dir: Path) -> bool:
	"""True when the site's database exists and has the framework installed."""
	import MySQLdb

	load_env(site_dir)
	try:
		conn = MySQLdb.connect(
			host=os.environ["DB_HOST"],
			port=int(os.environ["DB_PORT"]),
			user=os.environ["DB_USER"],
			passwd=os.environ["DB_PASSWORD"],
			db=os.environ["DB_NAME"],
		)
	except MySQLdb.OperationalError:
		return False
	try:
		cur = conn.cursor()
		cur.execute("select defvalue from tabDefaultValue where parent='__global' and defkey='installed_apps'")
		row = cur.fetchone()
		return bool(row and "monoframe" in row[0])
	except MySQLdb.ProgrammingError:
		return False
	finally:
		conn.close()


def new_site(site_dir: Path, *, admin_password: str, language: str = "zh") -> None:
	"""Create the database, install the framework and every app in APPS (like bench new-site)."""
	load_env(site_dir)
	create_database(os.environ["DB_NAME"], os.environ["DB_PASSWORD"])
	from . import activate

	activate()
	import frappe
	from frappe.database import bootstrap_database
	from frappe.installer import install_app

	from .apps import configured_apps

	frappe.init(force=True)
	frappe.flags.in_install_db = True
	bootstrap_database(verbose=False)
	frappe.connect()
	frappe.db.create_auth_table()
	frappe.db.create_global_search_table()
	frappe.db.create_user_settings_table()
	frappe.flags.in_install_db = False
	frappe.local.conf.admin_password = admin_password
	install_app("monoframe", set_as_patched=True)
	finish_framework_setup(frappe, language)
	for app in configured_apps():
		install_app(app, set_as_patched=True)
	after_apps_installed(frappe, site_dir)
	frappe.db.commit()
	frappe.destroy()


def finish_framework_setup(frappe, language: str) -> None:
	"""What `bench new-site` + the setup wizard leave behind, so login works without a desk.

	Fix 5 (part): monoframe skips the setup wizard defaults, and its login then fails comparing
	None with an int; set the System Settings a finished setup wizard sets.
	"""
	settings = frappe.get_single("System Settings")
	settings.update(
		{
			"language": language,
			"time_zone": "Asia/Shanghai",
			"country": "China" if frappe.db.exists("Country", "China") else None,
			"currency": "CNY" if frappe.db.exists("Currency", "CNY") else None,
			"date_format": "yyyy-mm-dd",
			"number_format": "#,###.##",
			"float_precision": "3",
			"currency_precision": "2",
			"setup_complete": 1,
			"enable_scheduler": 1,
			"allow_error_traceback": 0,
			"session_expiry": "170:00",
		}
	)
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	frappe.db.set_default("desktop:home_page", "workspace")
	frappe.db.set_default("lang", language)
	frappe.db.commit()


def after_apps_installed(frappe, site_dir: Path) -> None:
	"""Steps `bench build` / `bench migrate` do on real Frappe: assets links, compiled translations;
	and the apps' Desktop icons as Frappe names them (fix 20)."""
	from . import app_title, assets, translations

	assets.link_app_assets(frappe, site_dir)
	translations.compile_all(frappe)
	app_title.repair_app_icons(frappe)
	frappe.clear_cache()
