// Copyright (c) 2025, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Governance Settings", {
	refresh(frm) {
		const target = frm.doc.grid_household_target || 0;
		const tolerance = Math.round((target * (frm.doc.grid_household_tolerance_percent || 0)) / 100);
		frm.set_intro(
			__("Grids with fewer than {0} or more than {1} households are flagged.", [
				target - tolerance,
				target + tolerance,
			])
		);
	},
});
