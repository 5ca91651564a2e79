app_name = "xinqu_governance"
app_title = "Xinqu Governance"
app_publisher = "Xinqu Governance Contributors"
app_description = "Grid-based social governance for the Haidong High-Speed-Rail New District"
app_email = "dev@xinqu.example"
app_license = "mit"

# Apps
# ------------------

required_apps = ["frappe"]

# Installation
# ------------

# The app works without the deployment profile: the governance roles are created here.
# The district's data (jurisdiction tree, users, workflows, print formats) is applied
# separately with `bench --site SITE xinqu-apply-profile PATH` (see README).
after_install = "xinqu_governance.install.after_install"

# Scheduled Tasks
# ---------------

scheduler_events = {
	"daily": [
		"xinqu_governance.governance.access.expire_assignments",
	],
}

# Automatically update python controller files with type annotations for this app.
export_python_type_annotations = True
