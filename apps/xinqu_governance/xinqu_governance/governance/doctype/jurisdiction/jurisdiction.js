// Copyright (c) 2025, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Jurisdiction", {
	setup(frm) {
		// offer only nodes of the level directly above this one as parent
		frm.set_query("parent_jurisdiction", () => {
			const levels = ["City", "County", "Town", "Village", "Grid"];
			const index = levels.indexOf(frm.doc.level);
			return { filters: { level: index > 0 ? levels[index - 1] : "" } };
		});
	},

	refresh(frm) {
		if (!frm.is_new() && frm.doc.is_group) {
			frm.add_custom_button(__("Jurisdiction Tree"), () => {
				frappe.set_route("Tree", "Jurisdiction");
			});
		}
	},

	level(frm) {
		frm.toggle_reqd("parent_jurisdiction", frm.doc.level && frm.doc.level !== "City");
		if (frm.doc.level === "City") {
			frm.set_value("parent_jurisdiction", "");
		}
	},
});
