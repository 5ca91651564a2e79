"""Installation hooks of the app (see `hooks.py`)."""

from xinqu_governance.governance.roles import ensure_roles


def after_install():
	"""Create the governance roles so the app works without the deployment profile."""
	ensure_roles()
