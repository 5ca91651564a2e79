// Copyright (c) 2025, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Governance Settings", {
	refresh(frm) {
		// the band of the saved settings, computed on the server by registry.utils.get_household_band
		const band = (frm.doc.__onload || {}).household_band;
		if (!band) return;
		frm.set_intro(
			__("Grids with fewer than {0} or more than {1} households are flagged.", [band[0], band[1]])
		);
	},
});
