"""Set the active flag of the loaded assignments from their periods and sync their users' access."""

from xinqu_governance.governance.access import expire_assignments


def execute():
	"""Recompute `is_active` of every Jurisdiction Assignment whose period boundary has passed."""
	expire_assignments()
