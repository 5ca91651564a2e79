"""Fix 13: no realtime server ships with monoframe.

Frappe's desk connects to a socket.io server (Frappe's node `realtime/`, fed from Redis' `events`
channel) for list updates, the notification bell and job progress. monoframe has neither the node
server nor a replacement, so the page logs a connection error every few seconds. Until the runtime
runs one, switch the client off as Frappe's own `disable_async` setting does: the desk then shows
changes on the next load or refresh instead of live.
"""

import os

CONFIG_HOOK = "xinqu_runtime.realtime.site_config"


def site_config() -> dict:
	return {"disable_async": 1}


def apply() -> None:
	"""monoframe merges the dicts of the functions named in MONOFRAME_EXTRA_CONFIG into its config."""
	hooks = [h for h in os.environ.get("MONOFRAME_EXTRA_CONFIG", "").split(",") if h]
	if CONFIG_HOOK not in hooks:
		os.environ["MONOFRAME_EXTRA_CONFIG"] = ",".join([*hooks, CONFIG_HOOK])
