"""Renamed request headers: monoframe reads `X-Monoframe-*`, Frappe clients send `X-Frappe-*`.

Frappe's desk and our pages send the CSRF token as `X-Frappe-CSRF-Token`; monoframe's auth checks
only `X-Monoframe-CSRF-Token`, so a logged-in POST from a Frappe client is refused as "Invalid
Request". Reading a renamed header falls back to Frappe's name, and reading Frappe's name (as an
app does) falls back to the fork's, which monoframe's own page scripts send.
"""


def apply(frappe) -> None:
	original = frappe.get_request_header

	def get_request_header(key, default=None):
		value = original(key, None)
		if value is None and key.lower().startswith("x-monoframe-"):
			value = original("X-Frappe-" + key[len("X-Monoframe-") :], None)
		elif value is None and key.lower().startswith("x-frappe-"):
			value = original("X-Monoframe-" + key[len("X-Frappe-") :], None)
		return default if value is None else value

	frappe.get_request_header = get_request_header
