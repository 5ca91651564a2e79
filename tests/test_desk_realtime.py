"""Realtime in the desk (runtime fix 13): what another user or session does shows in an open desk
without a reload, through the socket.io connection the desk keeps with the realtime server.

A village staff member has the desk open in Chromium. The administrator (another user, another
session) sends them a notification and, over REST, assigns them a to-do: the bell lights up and the
dropdown lists the notification, and the open to-do list gains the new row, with the page never
reloaded and no console error (the socket connects cleanly).
"""

import frappe
import pytest

from tests.desk import DESKTOP, desk_as
from tests.factories import PASSWORD, make_jurisdiction_tree, make_user_at, purge_tree

# set on the page once it is open: a reload would drop it
MARK = "() => window.__xq_not_reloaded === true"


@pytest.fixture(scope="module")
def staff():
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	user = make_user_at("Village Staff", tree.village_a1, prefix="xq-rt")
	frappe.db.commit()
	yield user
	frappe.set_user("Administrator")
	frappe.db.rollback()
	for doctype, field in (("Notification Log", "for_user"), ("ToDo", "allocated_to")):
		for name in frappe.get_all(doctype, filters={field: user}, pluck="name"):
			frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
	purge_tree(tree, users=[user])


def connected_desk(chromium, live_server, user):
	desk = desk_as(chromium, live_server, user, PASSWORD, DESKTOP)
	desk.page.wait_for_function("() => frappe.realtime.socket && frappe.realtime.socket.connected", timeout=30_000)
	return desk


def mark_page(desk) -> None:
	desk.page.evaluate("() => { window.__xq_not_reloaded = true; }")


def test_a_notification_from_another_user_lights_the_bell_without_reload(chromium, live_server, staff):
	from frappe.desk.doctype.notification_settings.notification_settings import set_seen_value

	set_seen_value(1, staff)
	frappe.db.commit()
	desk = connected_desk(chromium, live_server, staff)
	try:
		page = desk.page
		mark_page(desk)
		assert page.locator(".notifications-unseen").first.is_hidden()
		subject = f"实时通知 {frappe.generate_hash(length=6)}"
		frappe.get_doc(
			{"doctype": "Notification Log", "for_user": staff, "from_user": "Administrator", "type": "Alert", "subject": subject}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # the event is published after the commit, as in a web request

		page.locator(".notifications-unseen").first.wait_for(state="visible", timeout=30_000)
		# the dropdown fetched the new notification (rendered even while it is closed)
		page.wait_for_function(
			"(s) => [...document.querySelectorAll('.notification-item .notification-body')].some(e => e.textContent.includes(s))",
			arg=subject,
			timeout=30_000,
		)
		assert page.evaluate(MARK), "the page was reloaded"
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()


def test_a_todo_assigned_over_rest_appears_in_the_open_list_without_reload(chromium, live_server, http_login, staff):
	desk = connected_desk(chromium, live_server, staff)
	try:
		desk.open_list("ToDo")
		mark_page(desk)
		description = f"实时待办 {frappe.generate_hash(length=6)}"
		admin = http_login("Administrator", frappe.conf.admin_password or "admin")
		response = admin.post(
			f"{live_server}/api/resource/ToDo",
			json={"description": description, "allocated_to": staff, "status": "Open"},
			timeout=30,
		)
		assert response.status_code == 200, response.text
		name = response.json()["data"]["name"]

		desk.page.wait_for_function(
			"(dn) => cur_list.data.some(d => d.name === dn)"
			" && !!document.querySelector(`.list-row-checkbox[data-name='${dn}']`)",
			arg=name,
			timeout=30_000,
		)
		assert desk.page.evaluate(MARK), "the page was reloaded"
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()
