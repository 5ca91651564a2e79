"""Deployment profiles: a district's data in Frappe's JSON formats, applied to a site and exported back.

A profile root holds `fixtures/*.json`, `workflows/*.json`, `print_formats/*.json` (each a list of
documents as Frappe exports them: `doctype`, `name`, fields, child tables) and `patches/` (python
files with `execute()`, run once each in the order of `patches/patches.txt`).
"""

from xinqu_governance.profile.apply import apply_profile
from xinqu_governance.profile.export import export_profile

__all__ = ["apply_profile", "export_profile"]
