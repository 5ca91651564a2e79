"""The address a portal request comes from, for the portal's per-address limits.

`X-Forwarded-For` is whatever the client sends unless a proxy we run wrote it, and Frappe's
`request_ip` takes its first entry, so a client could give itself a fresh address on every request.
Here forwarded addresses count only when the request comes from a trusted proxy: site config
`xinqu_trusted_proxies` (a list of addresses or networks, e.g. `["127.0.0.1", "10.0.0.0/8"]`;
default none). The client is then the last address in `X-Forwarded-For` that is not a trusted proxy;
otherwise it is the socket's remote address. Behind nginx on one machine set `["127.0.0.1"]`, or
every resident shares nginx's address and its limits.
"""

import ipaddress

import frappe
from frappe import _


def trusted_proxies() -> list:
	configured = frappe.conf.get("xinqu_trusted_proxies") or []
	if isinstance(configured, str):
		configured = configured.split(",")
	networks = []
	for entry in configured:
		try:
			networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
		except ValueError:
			frappe.log_error(title=_("xinqu_trusted_proxies: {0} is not an address or network").format(entry))
	return networks


def is_trusted(address: str, proxies: list) -> bool:
	try:
		ip = ipaddress.ip_address(address)
	except ValueError:
		return False
	return any(ip in network for network in proxies)


def client_address() -> str:
	"""The client's address: the socket's peer, or what trusted proxies forwarded for it."""
	request = getattr(frappe.local, "request", None)
	remote = (request.remote_addr if request else None) or "127.0.0.1"
	proxies = trusted_proxies()
	if not proxies or not is_trusted(remote, proxies):
		return remote
	forwarded = [
		hop.strip() for hop in (request.headers.get("X-Forwarded-For") or "").split(",") if hop.strip()
	]
	for hop in reversed(forwarded):
		if not is_trusted(hop, proxies):
			return hop
	return forwarded[0] if forwarded else remote


def count_request(kind: str, limit: int, window_seconds: int) -> bool:
	"""Count one `kind` request from the client's address; False once there were more than `limit`
	in the window. Outside a web request nothing is counted."""
	if not getattr(frappe.local, "request", None):
		return True
	key = frappe.cache.make_key(f"xinqu-portal-{kind}:{client_address()}")
	count = frappe.cache.incrby(key, 1)
	if count == 1:
		frappe.cache.expire(key, window_seconds)
	return count <= limit
