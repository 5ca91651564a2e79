"""Frappe's desk in a real Chromium, as a given user: log in, open a route, collect what went wrong.

A `DeskPage` is one browser tab logged in as one user at one viewport. It moves between routes with
the desk's own router (as a user clicking does), waits until the desk has finished loading the view
and its requests, and records console errors, uncaught exceptions, HTTP errors and error dialogs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import frappe

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
# where the desk tests leave their screenshots (scripts/update_screens picks docs/screens from them)
SCREENS = Path(os.environ.get("XQ_SCREENS", "/tmp/xq_desk"))

# the desk is idle: its router has drawn a page and no request of its own is in flight
IDLE = """() => !!(window.frappe && frappe.container && frappe.container.page
	&& frappe.request && !frappe.request.ajax_count && !frappe.dom.freeze_count)"""


def zh(text: str) -> str:
	"""What the desk shows for a source string (the site's language is Chinese; tests run in English)."""
	return frappe._(text, lang="zh")


def slug(doctype: str) -> str:
	return doctype.lower().replace(" ", "-")


@dataclass
class DeskPage:
	page: Page
	base_url: str
	user: str
	problems: list[str] = field(default_factory=list)

	def watch(self) -> None:
		page = self.page
		page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text[:400]}"))
		page.on("pageerror", lambda e: self.problems.append(f"uncaught: {str(e)[:400]}"))
		page.on(
			"response",
			lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status} {r.request.method} {r.url[:200]}"),
		)

	def take_problems(self) -> list[str]:
		problems, self.problems[:] = list(self.problems), []
		problems += self.error_dialogs()
		return problems

	def error_dialogs(self) -> list[str]:
		"""Frappe shows server errors in a message dialog (red indicator) or an alert."""
		texts = self.page.evaluate(
			"""() => [...document.querySelectorAll('.modal.show')]
				.filter(m => m.querySelector('.indicator.red, .modal-title') && /错误|Error|异常|Not Permitted|无权限/
					.test(m.innerText))
				.map(m => m.innerText.slice(0, 300))"""
		)
		return [f"dialog: {t}" for t in texts]

	def wait_idle(self, timeout: float = 30_000) -> None:
		self.page.wait_for_function(IDLE, timeout=timeout)
		self.page.wait_for_timeout(200)  # one more tick: scripts bound to `refresh` run
		self.page.wait_for_function(IDLE, timeout=timeout)

	def open(self, path: str) -> None:
		"""A full page load (the first visit, or a page outside the desk's router)."""
		self.page.goto(self.base_url + path)
		self.wait_idle()

	def route(self, *parts: str) -> None:
		"""Move with the desk's router, as a click on a link does."""
		self.page.evaluate("(parts) => frappe.set_route(...parts)", list(parts))
		self.wait_idle()

	def open_list(self, doctype: str) -> None:
		self.route("List", doctype)
		self.page.wait_for_function(
			"(dt) => window.cur_list && cur_list.doctype === dt && cur_list.data !== undefined", arg=doctype
		)

	def open_new(self, doctype: str) -> None:
		self.page.evaluate("(dt) => frappe.new_doc(dt)", doctype)
		self.page.wait_for_function("(dt) => window.cur_frm && cur_frm.doctype === dt && cur_frm.is_new()", arg=doctype)
		self.wait_idle()

	def open_form(self, doctype: str, name: str) -> None:
		self.route("Form", doctype, name)
		self.page.wait_for_function(
			"([dt, dn]) => window.cur_frm && cur_frm.doctype === dt && cur_frm.docname === dn && !cur_frm.is_new()",
			arg=[doctype, name],
		)
		self.wait_idle()

	def reload(self) -> None:
		"""F5: the page loads again from the server (a form shows what the database holds now)."""
		self.page.reload()
		self.wait_idle()
		self.page.wait_for_function("() => !window.cur_frm || !cur_frm.doc.__unsaved")

	def save(self) -> None:
		"""Ctrl+S, as a user saves; waits until the form is saved (or says why it was not)."""
		self.page.keyboard.press("Control+s")
		try:
			self.page.wait_for_function("() => cur_frm && !cur_frm.is_dirty() && !cur_frm.is_new()")
		except Exception:
			doc = self.page.evaluate("() => JSON.stringify(cur_frm.doc)")
			raise AssertionError(f"not saved: {doc}\n" + "\n".join(self.take_problems())) from None
		self.wait_idle()

	def field(self, fieldname: str, within: str = ".page-container:visible") -> Locator:
		"""The visible input of a control, in the current form (or in `within`, e.g. ".modal.show")."""
		return self.page.locator(
			", ".join(
				f"{within} {cls}[data-fieldname='{fieldname}'] :is(input, textarea, select):visible"
				for cls in (".frappe-control", ".monoframe-control")
			)
		).first

	def type_into(self, fieldname: str, text: str, within: str = ".page-container:visible") -> None:
		"""Types into a control and leaves it (Tab), as a user does; waits for what that triggered."""
		control = self.field(fieldname, within)
		control.fill(text)
		control.press("Tab")
		self.wait_idle()

	def select(self, fieldname: str, value: str, within: str = ".page-container:visible") -> None:
		"""Picks the option of a Select control whose value is `value` (its label is translated)."""
		self.field(fieldname, within).select_option(value)
		self.wait_idle()

	def link_options(self, fieldname: str, text: str, expect: str, within: str = ".page-container:visible") -> list[str]:
		"""Types `text` into a Link control and returns the values its dropdown offers, once the list
		shown is the answer to `text` and offers `expect`.

		The control searches on focus (for "") and half a second after the last key, and renders an
		answer only after awaiting its filter description, i.e. after the request is done: an earlier
		search can still be rendered after ours was sent. The control keeps each answer in
		`$input.cache[doctype][term]` and shows it by `awesomplete.list = that answer`, so the list is
		ours when it is that very object."""
		control = self.field(fieldname, within)
		control.focus()  # (another control's open dropdown may cover this one: a click would miss)
		control.fill(text)
		offered = self.page.wait_for_function(
			"""([input, text, expect]) => {
				const link = input.closest(".frappe-control, .monoframe-control").fieldobj;
				const answers = link.$input.cache[link.get_options()];
				if (!answers || !answers[text] || link.awesomplete._list !== answers[text]) return false;
				const labels = [...input.parentElement.querySelectorAll("[role='option'] p strong")]
					.map((e) => e.textContent.trim());
				return labels.includes(expect) && labels;
			}""",
			arg=[control.element_handle(), text, expect],
		)
		return offered.json_value()

	def choose_link(self, fieldname: str, text: str, option: str | None = None, within: str = ".page-container:visible") -> None:
		"""Types `text` into a Link control and picks `option` (the dropdown's label, `text` unless
		given) from the dropdown, as a user does."""
		option = option or text
		self.link_options(fieldname, text, option, within)
		control = self.field(fieldname, within)
		control.locator("xpath=..").locator("[role='option'] p strong", has_text=option).first.click()
		self.wait_idle()  # the control validates the value and sets it in the model
		# (no Tab: it would focus the next control while this value is still being validated)

	def screenshot(self, path) -> None:
		self.page.screenshot(path=str(path))


@pytest.fixture(scope="session")
def chromium():
	"""The session's one Chromium (Playwright's sync API cannot run twice in a process); registered
	for every test through the tests.frappe_site plugin."""
	with sync_playwright() as p:
		browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
		yield browser
		browser.close()


def guest_phone(browser):
	"""A fresh phone-sized page with no cookies (a resident on the portal), Chinese locale; the caller
	closes `page.context`."""
	context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
	page = context.new_page()
	page.set_default_timeout(20000)
	return page


def desk_as(browser, base_url: str, user: str, password: str, size: dict) -> DeskPage:
	"""A new tab logged in as `user` (through /api/method/login, whose cookie the tab shares)."""
	context = browser.new_context(viewport=size, locale="zh-CN", is_mobile=size is PHONE, has_touch=size is PHONE)
	response = context.request.post(f"{base_url}/api/method/login", form={"usr": user, "pwd": password})
	assert response.ok, f"login of {user}: HTTP {response.status}"
	desk = DeskPage(context.new_page(), base_url, user)
	desk.watch()
	desk.open("/app")
	return desk
