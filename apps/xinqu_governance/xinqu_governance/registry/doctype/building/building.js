// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Building", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Move to Grid"), () => {
			frappe.prompt(
				{
					fieldname: "grid",
					fieldtype: "Link",
					options: "Grid Profile",
					label: __("Grid"),
					reqd: 1,
				},
				({ grid }) =>
					frappe
						.call({
							method: "xinqu_governance.api.housing.move_building",
							args: { building: frm.doc.name, grid },
							freeze: true,
						})
						.then(() => frm.reload_doc()),
				__("Move Building to Grid")
			);
		});
		frm.add_custom_button(__("Create Missing Units and Dwellings"), () =>
			frappe
				.call({
					method: "xinqu_governance.api.housing.generate_units_and_dwellings",
					args: { building: frm.doc.name },
				})
				.then(() => frm.reload_doc())
		);
	},
});
