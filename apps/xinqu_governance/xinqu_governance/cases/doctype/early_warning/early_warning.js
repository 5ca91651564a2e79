// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Early Warning", {
	refresh(frm) {
		if (frm.doc.status === "Open" && !frm.is_new()) {
			frm.add_custom_button(__("Acknowledge"), () => {
				frm.set_value("status", "Acknowledged");
				frm.save();
			});
		}
	},
});
