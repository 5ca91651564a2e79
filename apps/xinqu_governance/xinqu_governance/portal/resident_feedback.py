"""Residents rate the handling of their matter themselves and may ask for a review, on /petition/track
with the tracking code (issue 10, "Residents are told and asked").

- Rating (满意 / 基本满意 / 不满意): once, after the reply of a petition (`replied_on`) or once a
  service request is completed (`is_done`). Stored in `self_rating` / `self_rated_on`, fields only this
  path writes (read-only in the desk); the staff-entered `satisfaction` stays as it is, and the
  Governance Measures report counts the resident's own rating where there is one (四提高).
- Review (复查): a petitioner who does not accept the reply may, within the days Governance Settings
  names (`review_request_days`, 30 by 信访工作条例), ask for a review. It becomes a new Petition marked
  as an appeal of the first (`is_appeal`, `previous_petition`), lodged one level above the level that
  replied, which goes through intake like any petition; the first petition links it (`review_petition`)
  and both timelines say so. One review per petition.

Every step validates first and changes nothing on refusal (a translated `ResidentFeedbackError`).
"""

from datetime import date

import frappe
from frappe import _
from frappe.utils import add_days, getdate, now_datetime, today

from xinqu_governance.cases.case_types import next_level
from xinqu_governance.cases.edit_rights import mark_system_write
from xinqu_governance.cases.timeline import add_case_entry
from xinqu_governance.governance.doctype.governance_settings.governance_settings import (
	get_review_request_days,
)
from xinqu_governance.governance.site_language import site_language
from xinqu_governance.portal.case_tracking import online_channel, tracking_code_of
from xinqu_governance.printing.jinja_methods import xq_cn_date

RATINGS = ("Satisfied", "Basically Satisfied", "Dissatisfied")
MIN_REASON_LENGTH = 5
MAX_REASON_LENGTH = 2000


class ResidentFeedbackError(frappe.ValidationError):
	pass


def feedback_options(doctype: str, case: frappe._dict) -> dict:
	"""What the resident may do now: rate (once the matter is answered), ask for a review (until the
	deadline), or nothing; with the rating given and the review filed, if any."""
	answered = bool(case.get("replied_on")) if doctype == "Petition" else bool(case.get("is_done"))
	deadline = review_deadline(case) if doctype == "Petition" else None
	return {
		"can_rate": answered and not case.get("self_rating"),
		"self_rating": case.get("self_rating") or "",
		"self_rating_label": _(case.self_rating) if case.get("self_rating") else "",
		"can_request_review": bool(
			doctype == "Petition"
			and deadline
			and not case.get("review_petition")
			and getdate(today()) <= deadline
		),
		"review_deadline": deadline,
		"review_tracking_code": tracking_code_of("Petition", case.review_petition)
		if case.get("review_petition")
		else "",
	}


def review_deadline(case) -> date | None:
	"""The last day to ask for a review of a petition's reply; None before a reply or when the profile
	allows no review."""
	days = get_review_request_days()
	if not case.get("replied_on") or days <= 0:
		return None
	return getdate(add_days(getdate(case.replied_on), days))


def rate(doctype: str, name: str, rating: str | None) -> None:
	if rating not in RATINGS:
		raise ResidentFeedbackError(_("Choose how satisfied you are with the handling."))
	doc = frappe.get_doc(doctype, name)
	if not feedback_options(doctype, frappe._dict(doc.as_dict()))["can_rate"]:
		raise ResidentFeedbackError(_("This matter cannot be rated now: it is rated once, after the reply."))
	doc.self_rating = rating
	doc.self_rated_on = now_datetime()
	mark_system_write(doc)
	doc.save(ignore_permissions=True)
	add_case_entry(
		doctype,
		name,
		_("The resident rated the handling: {0}.", lang=site_language()).format(
			_(rating, lang=site_language())
		),
	)


def request_review(name: str, reason: str | None) -> str:
	"""File the review petition; returns its tracking code (as printed)."""
	reason = (reason or "").strip()
	if not MIN_REASON_LENGTH <= len(reason) <= MAX_REASON_LENGTH:
		raise ResidentFeedbackError(
			_("Say in {0} to {1} characters why you ask for a review.").format(
				MIN_REASON_LENGTH, MAX_REASON_LENGTH
			)
		)
	first = frappe.get_doc("Petition", name)
	options = feedback_options("Petition", frappe._dict(first.as_dict()))
	if not options["can_request_review"]:
		raise ResidentFeedbackError(
			_("A review can be asked for once, within {0} days of the reply.").format(
				get_review_request_days()
			)
		)
	lang = site_language()
	review = frappe.get_doc(
		{
			"doctype": "Petition",
			"subject": _("Request for Review: {0}", lang=lang).format(first.subject),
			"channel": online_channel(),
			"content": reason,
			"petitioner": first.petitioner,
			"petitioner_name": first.petitioner_name,
			"petitioner_phone": first.petitioner_phone,
			"petitioner_id_number": first.petitioner_id_number,
			"people_count": first.people_count or 1,
			"jurisdiction": first.jurisdiction,
			"category": first.category,
			"is_appeal": 1,
			"previous_petition": first.name,
			"matter_level": first.handling_level or first.matter_level,
			# 复查 goes to the organ one level above the one that replied
			"petitioned_at_level": next_level(first.handling_level) or first.handling_level,
		}
	)
	review.flags.xq_submission_type = "Petition"
	review.insert(ignore_permissions=True)
	first.review_requested_on = now_datetime()
	first.review_petition = review.name
	mark_system_write(first)
	first.save(ignore_permissions=True)
	add_case_entry(
		"Petition",
		first.name,
		_("The petitioner asked for a review of the reply: {0}.", lang=lang).format(review.name),
	)
	add_case_entry(
		"Petition",
		review.name,
		_("Request for review of the reply to {0} (replied {1}).", lang=lang).format(
			first.name, xq_cn_date(first.replied_on)
		),
	)
	return tracking_code_of("Petition", review.name)
