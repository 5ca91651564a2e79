// Copyright (c) 2025, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.treeview_settings["Jurisdiction"] = {
	breadcrumb: "Governance",
	ignore_fields: ["parent_jurisdiction"],
	fields: [
		{
			fieldtype: "Data",
			fieldname: "jurisdiction_name",
			label: __("Jurisdiction Name"),
			reqd: 1,
		},
		{
			fieldtype: "Select",
			fieldname: "level",
			label: __("Level"),
			options: ["City", "County", "Town", "Village", "Grid"]
				.map((level) => ({ value: level, label: __(level) })),
			reqd: 1,
		},
		{
			fieldtype: "Data",
			fieldname: "jurisdiction_code",
			label: __("Jurisdiction Code"),
		},
	],
};
