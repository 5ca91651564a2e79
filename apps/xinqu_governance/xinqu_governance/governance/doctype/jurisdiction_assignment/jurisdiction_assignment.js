// Copyright (c) 2025, Xinqu Governance Contributors
// For license information, please see license.txt

const GOVERNANCE_ROLES = [
	"Grid Worker",
	"Village Staff",
	"Town Officer",
	"County Officer",
	"City Supervisor",
	"Governance Administrator",
];

// levels at which each role may be held (none listed: any level)
const LEVELS_BY_ROLE = {
	"Grid Worker": ["Grid", "Village"],
	"Village Staff": ["Village"],
	"Town Officer": ["Town"],
	"County Officer": ["County"],
	"City Supervisor": ["City"],
};

frappe.ui.form.on("Jurisdiction Assignment", {
	setup(frm) {
		frm.set_query("role", () => ({ filters: { name: ["in", GOVERNANCE_ROLES] } }));
		frm.set_query("jurisdiction", () => {
			const levels = LEVELS_BY_ROLE[frm.doc.role];
			return levels ? { filters: { level: ["in", levels] } } : {};
		});
		frm.set_query("user", () => ({ filters: { user_type: "System User", enabled: 1 } }));
	},

	role(frm) {
		const levels = LEVELS_BY_ROLE[frm.doc.role];
		if (levels && frm.doc.jurisdiction_level && !levels.includes(frm.doc.jurisdiction_level)) {
			frm.set_value("jurisdiction", "");
		}
	},

	valid_from(frm) {
		if (frm.doc.valid_to && frm.doc.valid_to < frm.doc.valid_from) {
			frm.set_value("valid_to", "");
		}
	},
});
