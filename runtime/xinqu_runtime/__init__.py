"""Dev/test runtime: runs the xinqu_governance Frappe app on PyPI monoframe==0.0.1.

Real Frappe is not installable on our machines; monoframe is Frappe's v16 line renamed and cut
down to one tenant. `activate()` applies the compatibility fixes listed in runtime/README.md,
each in its own module, so that an unchanged Frappe app runs on it. Nothing in apps/ imports this.
"""

import os

_activated = False


def activate() -> None:
	"""Install the `frappe` alias and patch monoframe for extra apps (idempotent)."""
	global _activated
	if _activated:
		return
	os.environ.setdefault("PYTHONWARNINGS", "default")
	from . import alias, encryption_key, host_name, realtime

	realtime.apply_config()
	encryption_key.apply()
	host_name.apply()
	alias.install()
	import frappe

	from . import app_title, apps, coercion, default_workspace, headers, jinja, overrides, printing, setup_state, shims, siteinfo, workflow_confirmation

	apps.apply(frappe)
	app_title.apply(frappe)
	shims.apply(frappe)
	shims.install_commands_module(frappe)
	siteinfo.apply(frappe)
	jinja.apply(frappe)
	headers.apply(frappe)
	printing.apply(frappe)
	setup_state.apply(frappe)
	coercion.apply(frappe)
	overrides.apply(frappe)
	workflow_confirmation.apply(frappe)
	realtime.apply(frappe)
	default_workspace.apply(frappe)
	_activated = True
