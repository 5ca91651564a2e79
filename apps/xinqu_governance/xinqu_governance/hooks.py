app_name = "xinqu_governance"
# every whitelisted function types its arguments (Frappe validates and coerces them per request; an
# untyped one fails there): see api/__init__.py and tests/test_api.py
require_type_annotated_api_methods = True
app_title = "Xinqu Governance"
app_publisher = "Xinqu Governance Contributors"
app_description = "Grid-based social governance for the Haidong High-Speed-Rail New District"
app_email = "dev@xinqu.example"
app_license = "mit"

# Apps
# ------------------

# "org/repo": v15's install-app parses each entry with `fetch_details_from_tag`, and a bare "frappe"
# sends it to GitHub (`find_org`) to guess the organisation, which fails on an offline bench
required_apps = ["frappe/frappe"]

# The tile on the apps screen (/apps), and where v15 sends a user after login: the desk's home, which
# opens the user's `default_workspace`, the workspace of their role (governance/workspaces.py; v16
# sends the user there after login itself). The route is v15's (v16 redirects /app to /desk).
# Shown to governance roles and system managers.
add_to_apps_screen = [
	{
		"name": app_name,
		"logo": "/assets/xinqu_governance/images/logo.svg",
		"title": app_title,
		"route": "/app",
		"has_permission": "xinqu_governance.governance.apps_screen.has_app_permission",
	}
]

# Desk
# ----
# The case forms and lists (SLA headline and indicator, "Raise Supervision") for every case DocType,
# which the boot names (`bootinfo.xinqu_case_doctypes`, from `cases.case_types`); a role workspace's
# sidebar is booted only for users who may open the workspace (v16, `governance.workspaces`).
app_include_js = ["case_desk.bundle.js", "personal_data.bundle.js", "tree_scope.bundle.js"]
extend_bootinfo = [
	# which fields are personal numbers, and whether the user may reveal one (governance.personal_data)
	"xinqu_governance.governance.personal_data.add_to_boot",
	"xinqu_governance.cases.case_types.add_case_doctypes_to_boot",
	"xinqu_governance.governance.workspaces.drop_sidebars_of_forbidden_workspaces",
	# the DocTypes whose node the form presets and searches itself (governance.tree_scope)
	"xinqu_governance.governance.tree_scope.add_to_boot",
]

# Installation
# ------------

# The app works without the deployment profile: the governance roles are created here.
# The district's data (jurisdiction tree, users, workflows, print formats) is applied
# separately with `bench --site SITE xinqu-apply-profile PATH` (see README).
after_install = "xinqu_governance.install.after_install"

# the user's own jurisdiction node, the default of the reports' jurisdiction filter
boot_session = "xinqu_governance.governance.access.boot_session"

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
		# Governance Measures' summary: kept on every case save; this repairs the cases written
		# around it since the last run (by their `modified`)
		"xinqu_governance.cases.measure_counts.repair_measure_counts",
	],
	"weekly_long": [
		# ... and this counts every case again, for what the daily repair cannot see
		"xinqu_governance.cases.measure_counts.rebuild_measure_counts",
	],
}

# Document Events
# ---------------
# The link check hangs on each app DocType it guards, as hrms hangs its rules on doc_events per
# DocType: `governance.link_access.APP_DOCTYPES` (a test holds it equal to the app's forms).
# The case rules hang on "*" (cases/case_events.py): a case type may be a DocType made as data
# (`custom = 1`, in the desk or a profile), which no static list here can name, since Frappe reads
# hooks once per process. Each handler returns at once unless the saved DocType is a case DocType (a
# set lookup in memory: `cases.case_types.case_doctype_set`), as ERPNext's and Helpdesk's Service Level
# Agreement, configured per DocType as data too, hangs on "*" validate. The order is Frappe's: the
# controller's own `validate` first, then the DocType's handlers (the link check), then "*"'s:
# - validate: routing, assignment, SLA deadlines (and, for a DocType without the app's controller, its
#   link check, edit guard and workflow bookkeeping);
# - on_update: early warnings, the assignee's ToDo; after_insert: a portal case type's tracking code.

# (names with a leading underscore: Frappe reads every other name of this module as a hook)
from xinqu_governance.cases.measure_counts import MEASURED_DOCTYPES as _MEASURED_DOCTYPES
from xinqu_governance.governance.link_access import APP_DOCTYPES as _APP_DOCTYPES

_LINK_ACCESS_ON_VALIDATE = "xinqu_governance.governance.link_access.validate_link_access"
_CASE_EVENTS = "xinqu_governance.cases.case_events"
_CASE_TYPES_CHANGED = "xinqu_governance.cases.case_types.clear_case_doctypes_cache"
_MEASURE_COUNTS_BEFORE = "xinqu_governance.cases.measure_counts.before_case_change"
_MEASURE_COUNTS_ON_CHANGE = "xinqu_governance.cases.measure_counts.on_case_change"

doc_events = {
	"*": {
		event: f"{_CASE_EVENTS}.{event}" for event in ("before_validate", "validate", "on_update", "after_insert")
	},
	**{doctype: {"validate": [_LINK_ACCESS_ON_VALIDATE]} for doctype in _APP_DOCTYPES},
	# Governance Measures' summary (cases/measure_counts.py): a counted case's figures before and
	# after each save or delete are added to its node and the nodes above it, in the save's transaction
	**{
		doctype: {
			"validate": [_LINK_ACCESS_ON_VALIDATE],
			"before_save": _MEASURE_COUNTS_BEFORE,
			"on_update": _MEASURE_COUNTS_ON_CHANGE,
			"on_trash": _MEASURE_COUNTS_BEFORE,
		}
		for doctype in _MEASURED_DOCTYPES
	},
	# whether a category is law-related decides the petitions counted as such in every month; a node
	# moved in the tree moves the subtree counts of Governance Measures' summary
	"Case Category": {
		"validate": [_LINK_ACCESS_ON_VALIDATE],
		"on_update": "xinqu_governance.cases.measure_counts.on_category_change",
	},
	"Jurisdiction": {
		"validate": [_LINK_ACCESS_ON_VALIDATE],
		"on_update": "xinqu_governance.cases.measure_counts.on_tree_change",
	},
	# an assignment made in the desk moves the case's `assigned_to` (cases/assignment_todo.py)
	"ToDo": {"on_update": "xinqu_governance.cases.assignment_todo.on_todo_update"},
	# a DocType that claims the case contract carries all of it; the case DocTypes may have changed
	"DocType": {
		"validate": "xinqu_governance.cases.case_types.validate_case_contract",
		# after_delete too: something read between on_trash and the row's deletion must not stay cached
		**{event: _CASE_TYPES_CHANGED for event in ("on_update", "on_trash", "after_delete")},
	},
	"Custom Field": {
		"validate": "xinqu_governance.governance.customization.customizes_only_app_doctypes",
		**{event: _CASE_TYPES_CHANGED for event in ("on_update", "on_trash", "after_delete")},
	},
	# a change to a case workflow that would strand cases or never close them is refused
	"Workflow": {
		"validate": [
			"xinqu_governance.governance.customization.customizes_only_app_doctypes",
			"xinqu_governance.cases.workflow_changes.validate_case_workflow_change",
		]
	},
	**{
		tool: {"validate": "xinqu_governance.governance.customization.customizes_only_app_doctypes"}
		for tool in ("Property Setter", "Print Format", "Notification")
	},
}

# every DocType holding ID or phone numbers (`governance.personal_data.PERSONAL_DOCTYPES`, checked against
# the meta by tests/test_personal_data.py): the masked copies of its numbers follow the full ones, and a
# number fetched from a linked record survives Frappe's reset of fields the creator may not write, and
# the saved document a user gets back holds only the numbers the user may read
from xinqu_governance.governance.personal_data import PERSONAL_DOCTYPES as _PERSONAL_DOCTYPES

_PERSONAL_DATA = "xinqu_governance.governance.personal_data"
_SET_MASKED_NUMBERS = f"{_PERSONAL_DATA}.set_masked_numbers"


def _as_list(handlers) -> list:
	return [] if not handlers else [handlers] if isinstance(handlers, str) else list(handlers)


for _doctype in _PERSONAL_DOCTYPES:
	_events = doc_events.setdefault(_doctype, {})
	_events["validate"] = [*_events.get("validate", []), _SET_MASKED_NUMBERS]
	_events["before_insert"] = [*_as_list(_events.get("before_insert")), f"{_PERSONAL_DATA}.keep_fetched_numbers"]
	# the REST answer to a user's save carries only what the user may read
	_events["on_change"] = "xinqu_governance.governance.personal_data.hide_unreadable_numbers"

# the cached case DocTypes and Case Types go with the rest of the cache (bench clear-cache)
clear_cache = [
	"xinqu_governance.cases.case_types.clear_case_doctypes_cache",
	"xinqu_governance.cases.doctype.case_type.case_type.clear_case_type_cache",
]

_SCOPED_QUERIES = "xinqu_governance.governance.scoped_queries"
override_whitelisted_methods = {
	# lists and counts with their query's shape known to the tree scope (governance/scoped_queries.py)
	"frappe.desk.reportview.get": f"{_SCOPED_QUERIES}.get",
	"frappe.desk.reportview.get_list": f"{_SCOPED_QUERIES}.get_list",
	"frappe.desk.reportview.get_count": f"{_SCOPED_QUERIES}.get_count",
	"frappe.client.get_list": f"{_SCOPED_QUERIES}.get_list_of_documents",
	"frappe.client.get_count": f"{_SCOPED_QUERIES}.count_documents",
	"frappe.desk.listview.get_group_by_count": f"{_SCOPED_QUERIES}.group_by_count",
	"frappe.desk.doctype.number_card.number_card.get_result": f"{_SCOPED_QUERIES}.number_card_result",
	"frappe.desk.doctype.number_card.number_card.get_percentage_difference": (
		f"{_SCOPED_QUERIES}.number_card_difference"
	),
	# the desk offers only the workflow actions the server accepts at the case's node and level
	"frappe.model.workflow.get_transitions": "xinqu_governance.cases.workflow_actions.get_transitions",
	# Frappe's csv / xlsx exports, with cells that would run as formulas neutralised (governance/export_formulas.py)
	"frappe.desk.reportview.export_query": "xinqu_governance.governance.export_formulas.export_report_view",
	"frappe.desk.query_report.export_query": "xinqu_governance.governance.export_formulas.export_query_report",
	# Customize Form reads the row size of the DocType it customises through a method Frappe keeps to
	# readers of DocType (System Managers): the Governance Administrator may ask for the app's DocTypes
	"frappe.core.doctype.doctype.doctype.get_row_size_utilization": (
		"xinqu_governance.governance.customization.get_row_size_utilization"
	),
}

# a logged-in session has its CSRF token from login on (governance/session_csrf.py)
on_session_creation = "xinqu_governance.governance.session_csrf.issue_csrf_token"

# Permissions
# -----------
# A governance role grants its DocPerms only under the nodes where the user holds it (an active
# Jurisdiction Assignment): governance/node_powers.py. Lists stay scoped by User Permissions.

has_permission = {
	doctype: ["xinqu_governance.governance.node_powers.has_node_permission"]
	for doctype in (
		*("Jurisdiction", "Jurisdiction Assignment", "Handling Unit", "Public Submission"),
		*("Resident", "Household", "Resettlement Compound", "Building", "Building Unit", "Dwelling"),
		*("Facility", "Grid Profile", "Organisation", "Village Decision"),
		*("Dispute", "Petition", "Service Request", "Grid Event", "Stability Risk Assessment"),
		*("Emergency Incident", "Supervision", "Accountability Record", "Early Warning", "Measure Count"),
	)
}

# The tables that grow with the city (governance/tree_scope.py): their `jurisdiction` field is scoped
# by the same User Permissions, as one plain list of the user's nodes read from the tree's lft/rgt
# ranges, without Frappe's empty-value branch; documents keep Frappe's User Permission rule through
# the has_permission hook, and a new record gets the user's default node.
from xinqu_governance.governance.tree_scope import TREE_SCOPED as _TREE_SCOPED

_TREE_SCOPE = "xinqu_governance.governance.tree_scope"
permission_query_conditions = {doctype: f"{_TREE_SCOPE}.scope_condition" for doctype in _TREE_SCOPED}
for _doctype in _TREE_SCOPED:
	has_permission[_doctype].append(f"{_TREE_SCOPE}.has_scope_permission")
	_events = doc_events.setdefault(_doctype, {})
	_events["before_insert"] = [*_as_list(_events.get("before_insert")), f"{_TREE_SCOPE}.set_default_node"]

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
			"xq_draft_mark",
			"xq_dwelling_address",
			"xq_grid_households",
			"xq_grid_team",
			"xq_household_members",
			"xq_mediating_body",
			"xq_mediation_committee",
			"xq_number",
			"xq_person",
			"xq_site_url",
			"xq_tracking_code",
			"xq_user_name",
		)
	]
	# the district's Notification records (profile fixtures/notification.json): recipients computed
	# from handling units and jurisdiction roles, the site-language dates and texts, the case link
	+ [
		f"xinqu_governance.cases.notifications.{name}"
		for name in (
			"xq_case_handling_unit",
			"xq_case_url",
			"xq_officers_at",
			"xq_supervision_issuer",
			"xq_t",
			"xq_track_url",
			"xq_unit_members",
			"xq_unit_supervisors",
			"xq_when",
		)
	],
}

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True
