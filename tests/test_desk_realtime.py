"""Realtime in the desk (runtime fix 13): what another user or session does shows in an open desk
without a reload, through the socket.io connection the desk keeps with the realtime server.

A village staff member has the desk open in Chromium. The administrator (another user, another
session) sends them a notification and, over REST, assigns them a to-do: the bell's dropdown lists
the notification, and the open to-do list gains the new row; a job's progress shows in a dialog.
The page is never reloaded and logs no console error (the socket connects cleanly).
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


def test_a_notification_from_another_user_shows_in_the_bell_without_reload(chromium, live_server, staff):
	"""The desk's sidebar bell (v16 layout: no unseen dot) lists the notification the moment it is made."""
	desk = connected_desk(chromium, live_server, staff)
	try:
		page = desk.page
		mark_page(desk)
		subject = f"实时通知 {frappe.generate_hash(length=6)}"
		item = page.locator(".dropdown-notifications .notification-item", has_text=subject)
		assert item.count() == 0
		frappe.get_doc(
			{"doctype": "Notification Log", "for_user": staff, "from_user": "Administrator", "type": "Alert", "subject": subject}
		).insert(ignore_permissions=True)
		frappe.db.commit()  # the event is published after the commit, as in a web request

		# rendered into the bell's dropdown (the sidebar that holds the bell is folded on this page)
		item.first.wait_for(state="attached", timeout=30_000)
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


def test_progress_of_a_job_shows_in_the_open_desk(chromium, live_server, staff):
	"""What a background job publishes with publish_progress reaches the user's open desk."""
	desk = connected_desk(chromium, live_server, staff)
	try:
		mark_page(desk)
		title = f"实时进度 {frappe.generate_hash(length=6)}"
		frappe.publish_realtime("progress", {"percent": 40, "title": title, "description": "2 / 5"}, user=staff)
		dialog = desk.page.locator(".modal.show", has_text=title)
		dialog.wait_for(state="visible", timeout=30_000)
		assert "2 / 5" in dialog.inner_text()
		assert desk.page.evaluate(MARK), "the page was reloaded"
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()
