"""Every logged-in session has a CSRF token from its first request.

Frappe (v15 and v16 alike, `frappe/auth.py` `HTTPRequest.validate_csrf_token`) checks the token of
an unsafe request only when the session already holds one, and a session gets one only when a page
asks for it (`frappe.sessions.get_csrf_token`: the desk's boot, the portal's pages). A session made
through `/api/method/login` therefore accepted POST / PUT / DELETE with its cookie and no token until
such a page was opened; only the cookie's SameSite=Lax stood between it and a cross-site form.
`issue_csrf_token` (hook `on_session_creation`) gives the session its token at login and returns it
in the login response (`csrf_token`), so REST writes with a session cookie need
`X-Frappe-CSRF-Token` as the desk's do. A sign-in from the /login page (which sends a CSRF header)
gets its token from the desk's boot right after, as in Frappe. API keys (`Authorization: token …`) are not sessions and are
not affected.
"""

import frappe


def issue_csrf_token(login_manager=None):
	if frappe.session.user == "Guest":
		return
	if frappe.get_request_header("X-Frappe-CSRF-Token"):
		# a sign-in from a page (the /login form sends the guest page's placeholder token): Frappe
		# checks this very request against the session's token right after this hook, and the header
		# wins over the form, so a token issued now would refuse the sign-in (400). The desk the
		# page goes to next issues the session's token at boot, as in Frappe.
		return
	token = frappe.sessions.get_csrf_token()
	frappe.local.response["csrf_token"] = token
	# Frappe checks the login request itself right after this hook (HTTPRequest.validate_csrf_token),
	# and it cannot carry a token that did not exist yet: it passes as it did before
	if getattr(frappe.local, "request", None):
		frappe.form_dict["csrf_token"] = token
