app_name = "xinqu_governance"
app_title = "Xinqu Governance"
app_publisher = "Xinqu Governance Contributors"
app_description = "Grid-based social governance for the Haidong High-Speed-Rail New District"
app_email = "dev@xinqu.example"
app_license = "mit"

# Apps
# ------------------

required_apps = ["frappe"]

# The tile on the apps screen (/apps) opens the "Xinqu Governance" workspace (governance/workspace/);
# the route is v15's (v16 redirects /app to /desk). Shown to governance roles and system managers.
add_to_apps_screen = [
	{
		"name": app_name,
		"logo": "/assets/xinqu_governance/images/logo.svg",
		"title": app_title,
		"route": "/app/xinqu-governance",
		"has_permission": "xinqu_governance.governance.apps_screen.has_app_permission",
	}
]

# Desk
# ----
# The case forms and lists (SLA headline and indicator, "Raise Supervision") for every case DocType,
# which the boot names (`bootinfo.xinqu_case_doctypes`, from `cases.case_types`); a role workspace's
# sidebar is booted only for users who may open the workspace (v16, `governance.workspaces`).
app_include_js = "case_desk.bundle.js"
extend_bootinfo = [
	"xinqu_governance.cases.case_types.add_case_doctypes_to_boot",
	"xinqu_governance.governance.workspaces.drop_sidebars_of_forbidden_workspaces",
]

# Installation
# ------------

# The app works without the deployment profile: the governance roles are created here.
# The district's data (jurisdiction tree, users, workflows, print formats) is applied
# separately with `bench --site SITE xinqu-apply-profile PATH` (see README).
after_install = "xinqu_governance.install.after_install"

# Scheduled Tasks
# ---------------

scheduler_events = {
	"cron": {
		# SLA: mark due-soon / overdue cases and escalate (or warn on) each breach once
		"*/5 * * * *": ["xinqu_governance.cases.escalation.run_sla_job"],
	},
	"daily": [
		"xinqu_governance.governance.access.expire_assignments",
		"xinqu_governance.cases.supervision.record_breached_supervisions",
		# safety net: counts are kept true on every change; this repairs writes made around them
		"xinqu_governance.registry.grids.recount_all_grids",
	],
}

# Document Events
# ---------------
# Routing, assignment, SLA deadlines and early warnings act on every case DocType (the DocTypes
# of module Cases with the contract field `resolution_due`, read from data by `cases.case_types`),
# so they hang on "*" and return at once for any other DocType.

doc_events = {
	"*": {
		"validate": [
			"xinqu_governance.cases.routing.route_case",
			"xinqu_governance.cases.assignment.assign_new_case",
			"xinqu_governance.cases.sla.apply_sla",
		],
		"on_update": "xinqu_governance.cases.early_warning.check_case",
	},
	"DocType": {"on_update": "xinqu_governance.cases.case_types.clear_case_doctypes_cache"},
	"Custom Field": {"on_update": "xinqu_governance.cases.case_types.clear_case_doctypes_cache"},
}

# the custom fields the code reads and the composite indexes of the case tables (SLA queue, assignment load)
after_migrate = ["xinqu_governance.install.after_migrate"]

# Jinja
# -----
# Methods the district's print formats (profile `print_formats/`) call, listed one by one so that
# nothing else of the module lands in the Jinja namespace.

jinja = {
	"methods": [
		f"xinqu_governance.printing.jinja_methods.{name}"
		for name in (
			"xq_ancestor",
			"xq_case_summary",
			"xq_cn_date",
			"xq_coverage_label",
			"xq_date",
			"xq_datetime",
			"xq_dwelling_address",
			"xq_grid_households",
			"xq_grid_team",
			"xq_household_members",
			"xq_mediation_committee",
			"xq_person",
			"xq_user_name",
		)
	],
}

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True
