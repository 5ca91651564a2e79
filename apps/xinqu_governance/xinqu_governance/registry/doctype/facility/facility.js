// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Facility", {
	setup(frm) {
		frm.set_query("managing_county", () => ({ filters: { level: "County" } }));
		frm.set_query("management_committee", () => ({
			filters: { org_type: "Religious Venue Management Committee" },
		}));
	},
	refresh(frm) {
		if (!frm.is_new() && !frm.doc.meets_standard && frm.doc.standard_notes) {
			frm.dashboard.set_headline_alert(
				frappe.utils.escape_html(frm.doc.standard_notes).replace(/\n/g, "<br>"),
				"orange"
			);
		}
	},
});
