"""The residents' portal (`/petition`): guests file petitions, complaints and service requests."""

import frappe

from xinqu_governance.portal import submission


@frappe.whitelist(allow_guest=True, methods=["POST"])
def submit(
	submission_type: str | None = None,
	jurisdiction: str | None = None,
	full_name: str | None = None,
	phone: str | None = None,
	id_number: str | None = None,
	category: str | None = None,
	content: str | None = None,
	service_type: str | None = None,
) -> dict:
	"""File a submission; returns its tracking code (rate-limited per client address)."""
	return submission.submit(
		{
			"submission_type": submission_type,
			"jurisdiction": jurisdiction,
			"full_name": full_name,
			"phone": phone,
			"id_number": id_number,
			"category": category,
			"content": content,
			"service_type": service_type,
		}
	)
