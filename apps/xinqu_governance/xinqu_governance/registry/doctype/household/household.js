// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Household", {
	setup(frm) {
		frm.set_query("origin_village", () => ({ filters: { level: "Village" } }));
		frm.set_query("grid", () => ({ filters: { level: "Grid" } }));
		frm.set_query("dwelling", () => ({ filters: { allocation_status: ["in", ["Vacant", "Reserved"]] } }));
	},
});
