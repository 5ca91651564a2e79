// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.query_reports["Grid Coverage"] = {
	filters: [
		{
			fieldname: "jurisdiction",
			label: __("Jurisdiction"),
			fieldtype: "Link",
			options: "Jurisdiction",
		},
		{
			fieldname: "problem",
			label: __("Problem"),
			fieldtype: "Select",
			options: [
				"",
				"Outside Band",
				"No Grid Worker",
				"Households Without Grid",
				"Residents Without Grid",
			],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "problem" && data) {
			value = `<span style="color: var(--orange-600)">${value}</span>`;
		}
		return value;
	},
};
