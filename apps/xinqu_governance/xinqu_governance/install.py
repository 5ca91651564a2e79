"""Installation hooks of the app (see `hooks.py`)."""

from xinqu_governance.cases.case_types import ensure_case_indexes
from xinqu_governance.cases.custom_fields import ensure_custom_fields
from xinqu_governance.cases.doctype.case_type.case_type import ensure_case_types
from xinqu_governance.governance.customization import grant_customization_rights
from xinqu_governance.governance.roles import ensure_roles


def after_install():
	"""Create the governance roles and the custom fields the code reads (so the app works without the
	deployment profile), the Case Types of the app's case DocTypes and the composite indexes of the case
	tables."""
	ensure_roles()
	ensure_custom_fields()
	ensure_case_types()
	ensure_case_indexes()
	grant_customization_rights()


def after_migrate():
	"""Keep the app's custom fields, the Case Types of its case DocTypes (made when missing), the case
	tables' indexes and the Governance Administrator's customisation rights in place on every
	`bench migrate`."""
	ensure_custom_fields()
	ensure_case_types()
	ensure_case_indexes()
	grant_customization_rights()
