"""Fix 18: the site's own address in links that leave a request (mail, notifications, SMS).

Frappe builds them with `get_url()`: inside a request from the request's host, outside one (the
scheduler, a worker, the CLI) from `host_name` of site_config.json (`bench --site S set-config
host_name https://…` on a bench), else `http://<site name>` — on monoframe `http://monoframe`, a link
nobody can open. monoframe keeps a site's configuration in `.env`, which has no such key: the site
config gets `host_name` from `HOST_NAME` in the site's `.env`, else the address the site is served on
(`http://127.0.0.1:<SERVER_PORT>`); a test site served on a free port (SERVER_PORT 0) gets none.
"""

import os

CONFIG_HOOK = "xinqu_runtime.host_name.site_config"


def site_config() -> dict:
	host = os.environ.get("HOST_NAME", "").strip()
	if host:
		return {"host_name": host}
	port = os.environ.get("MONOFRAME_SERVER_PORT") or os.environ.get("SERVER_PORT") or ""
	return {"host_name": f"http://127.0.0.1:{port}"} if port.isdigit() and int(port) else {}


def apply() -> None:
	hooks = [h for h in os.environ.get("MONOFRAME_EXTRA_CONFIG", "").split(",") if h]
	if CONFIG_HOOK not in hooks:
		os.environ["MONOFRAME_EXTRA_CONFIG"] = ",".join([*hooks, CONFIG_HOOK])
