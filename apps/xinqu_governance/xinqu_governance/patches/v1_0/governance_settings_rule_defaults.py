"""Sites whose Governance Settings were saved before the rule numbers became settings hold no value for
them: store each one's default (the text's number), as saving the form would
(`GovernanceSettings.set_missing_rule_values`), so the form shows them and code reading the fields
sees them. Idempotent: values already stored are kept."""

import frappe


def execute():
	settings = frappe.get_single("Governance Settings")
	settings.flags.ignore_permissions = True
	settings.save()
