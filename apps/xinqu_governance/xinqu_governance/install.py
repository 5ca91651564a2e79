"""Installation hooks of the app (see `hooks.py`)."""

from xinqu_governance.cases.case_types import ensure_case_indexes
from xinqu_governance.governance.roles import ensure_roles


def after_install():
	"""Create the governance roles (so the app works without the deployment profile) and the
	composite indexes of the case tables."""
	ensure_roles()
	ensure_case_indexes()
