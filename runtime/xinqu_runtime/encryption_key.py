"""Fix 16: a site has no `encryption_key`.

Frappe writes an `encryption_key` into each site's site_config.json at `new-site`; it encrypts
Password fields with it and signs links with it (e.g. the unsubscribe link of every email the queue
sends). monoframe keeps a site's configuration in `.env`, has no entry for the key and, when asked
for it, tries to write a site_config.json that does not exist (`FileNotFoundError`: no email can be
sent). The site's configuration gets one through monoframe's MONOFRAME_EXTRA_CONFIG hook, derived
from the site's own SECRET_KEY (so it is stable for the site and differs between sites).
"""

import base64
import hashlib
import os

CONFIG_HOOK = "xinqu_runtime.encryption_key.site_config"


def site_config() -> dict:
	secret = os.environ.get("MONOFRAME_SECRET_KEY") or os.environ.get("SECRET_KEY") or ""
	if not secret:
		return {}
	digest = hashlib.sha256(f"xinqu-encryption-key:{secret}".encode()).digest()
	return {"encryption_key": base64.urlsafe_b64encode(digest).decode()}


def apply() -> None:
	hooks = [h for h in os.environ.get("MONOFRAME_EXTRA_CONFIG", "").split(",") if h]
	if CONFIG_HOOK not in hooks:
		os.environ["MONOFRAME_EXTRA_CONFIG"] = ",".join([*hooks, CONFIG_HOOK])
