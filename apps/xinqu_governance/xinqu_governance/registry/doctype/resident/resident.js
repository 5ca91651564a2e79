// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Resident", {
	setup(frm) {
		frm.set_query("grid", () => ({ filters: { level: "Grid" } }));
	},
	citizen_id(frm) {
		// the server normalises and checks the number; upper-case here so the user sees what is stored
		if (frm.doc.citizen_id) {
			frm.set_value("citizen_id", frm.doc.citizen_id.replace(/\s+/g, "").toUpperCase());
		}
	},
});
