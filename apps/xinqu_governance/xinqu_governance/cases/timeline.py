"""One timeline per case: transitions and changes (Version, from track_changes), comments and
entries of the rule engines (Comment), supervisions and their replies, early warnings and
accountability records — merged in time order. Also the way the engines write to it:
`add_case_entry` (an Info comment on the case). Who is told of what is in cases/notifications.py."""

import json

import frappe
from frappe import _
from frappe.utils import get_datetime, strip_html

from xinqu_governance.governance.site_language import human_date, human_datetime

# Comment types shown on the timeline (likes, seen markers and bot chatter are left out).
TIMELINE_COMMENT_TYPES = (
	"Comment",
	"Info",
	"Workflow",
	"Assigned",
	"Assignment Completed",
	"Attachment",
	"Attachment Removed",
	"Shared",
	"Unshared",
	"Edit",
	"Label",
	"Created",
	"Cancelled",
)


# ------------------------------------------------------------------------------------------------
# Writing


def add_case_entry(case_doctype: str, case_name: str, text: str) -> None:
	"""An entry of the rule engines on the case's timeline (a Comment of type Info)."""
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"reference_doctype": case_doctype,
			"reference_name": case_name,
			"content": text,
			"comment_email": frappe.session.user,
		}
	).insert(ignore_permissions=True)


# ------------------------------------------------------------------------------------------------
# Reading


def get_timeline(doctype: str, name: str) -> list[dict]:
	"""Everything that happened to a case, oldest first. The caller must be able to read the case;
	supervisions, warnings and accountability records are listed only when the caller may read them.

	Each entry: {timestamp, kind, user, title, detail, reference_doctype, reference_name}."""
	case = frappe.get_doc(doctype, name)
	case.check_permission("read")

	entries = [
		_entry(case.creation, "created", case.owner, _("Created"), "", doctype, name),
		*_version_entries(case),
		*_comment_entries(doctype, name),
		*_supervision_entries(doctype, name),
		*_warning_entries(doctype, name),
		*_accountability_entries(doctype, name),
	]
	# stable: entries with the same timestamp keep the order they were gathered in
	return sorted(entries, key=lambda entry: entry["timestamp"])


def _entry(timestamp, kind, user, title, detail, reference_doctype, reference_name) -> dict:
	return {
		"timestamp": get_datetime(timestamp),
		"kind": kind,
		"user": user,
		"title": title,
		"detail": detail,
		"reference_doctype": reference_doctype,
		"reference_name": reference_name,
	}


def _version_entries(case) -> list[dict]:
	meta = case.meta
	versions = frappe.get_all(
		"Version",
		filters={"ref_doctype": case.doctype, "docname": case.name},
		fields=["name", "owner", "creation", "data"],
		order_by="creation asc",
	)
	entries = []
	for version in versions:
		try:
			data = json.loads(version.data or "{}")
		except ValueError:
			continue
		changed = data.get("changed") or []
		if not changed:
			continue
		state_change = next((row for row in changed if row[0] == "workflow_state"), None)
		details = [
			_("{0}: {1} → {2}").format(_(meta.get_label(row[0])), _shown(row[1]), _shown(row[2]))
			for row in changed
			if row[0] != "workflow_state"
		]
		if state_change:
			title = _("State: {0} → {1}").format(_(state_change[1] or ""), _(state_change[2] or ""))
			kind = "transition"
		else:
			title = _("Changed")
			kind = "change"
		entries.append(
			_entry(version.creation, kind, version.owner, title, "; ".join(details), "Version", version.name)
		)
	return entries


def _shown(value) -> str:
	return "" if value is None else _(str(value))


def _comment_entries(doctype: str, name: str) -> list[dict]:
	comments = frappe.get_all(
		"Comment",
		filters={
			"reference_doctype": doctype,
			"reference_name": name,
			"comment_type": ("in", TIMELINE_COMMENT_TYPES),
		},
		fields=["name", "comment_type", "comment_email", "owner", "creation", "content"],
		order_by="creation asc",
	)
	return [
		_entry(
			comment.creation,
			"comment" if comment.comment_type == "Comment" else comment.comment_type.lower(),
			comment.comment_email or comment.owner,
			_(comment.comment_type),
			strip_html(comment.content or ""),
			"Comment",
			comment.name,
		)
		for comment in comments
	]


def _readable_rows(doctype: str, case_doctype: str, name: str, fields: list[str]) -> list:
	if not frappe.has_permission(doctype, "read"):
		return []
	return frappe.get_list(
		doctype,
		filters={"case_doctype": case_doctype, "case_name": name},
		fields=["name", "creation", "owner", *fields],
		order_by="creation asc",
		limit_page_length=0,
	)


def _supervision_entries(doctype: str, name: str) -> list[dict]:
	entries = []
	for row in _readable_rows(
		"Supervision",
		doctype,
		name,
		["kind", "deadline", "instruction", "issued_by", "reply", "replied_by", "replied_on", "status"],
	):
		entries.append(
			_entry(
				row.creation,
				"supervision",
				row.issued_by or row.owner,
				_("Supervision ({0}), reply due {1}").format(_(row.kind), human_datetime(row.deadline)),
				row.instruction or "",
				"Supervision",
				row.name,
			)
		)
		if row.replied_on:
			entries.append(
				_entry(
					row.replied_on,
					"supervision_reply",
					row.replied_by,
					_("Reply to supervision {0}").format(row.name),
					row.reply or "",
					"Supervision",
					row.name,
				)
			)
	return entries


def _warning_entries(doctype: str, name: str) -> list[dict]:
	return [
		_entry(
			row.creation,
			"early_warning",
			row.owner,
			_("Early warning ({0}): {1}").format(_(row.level), _(row.rule_type)),
			row.message,
			"Early Warning",
			row.name,
		)
		for row in _readable_rows("Early Warning", doctype, name, ["level", "rule_type", "message"])
	]


def _accountability_entries(doctype: str, name: str) -> list[dict]:
	return [
		_entry(
			row.creation,
			"accountability",
			row.owner,
			_("Accountability record: {0}").format(_(row.measure)),
			_("Supervision {0} breached on {1}").format(row.supervision, human_date(row.breach_date)),
			"Accountability Record",
			row.name,
		)
		for row in _readable_rows(
			"Accountability Record", doctype, name, ["measure", "supervision", "breach_date"]
		)
	]
