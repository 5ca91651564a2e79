// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Grid Profile", {
	setup(frm) {
		frm.set_query("jurisdiction", () => ({ filters: { level: "Grid" } }));
		frm.set_query("building", "coverage", () => ({
			filters: frm.doc.compound ? { compound: frm.doc.compound } : {},
		}));
		frm.set_query("building_unit", "coverage", (doc, cdt, cdn) => {
			const row = locals[cdt][cdn];
			return { filters: { building: row.building || "" } };
		});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Recount"), () =>
			frm.call("recount").then(() => frm.reload_doc())
		);
	},
});
