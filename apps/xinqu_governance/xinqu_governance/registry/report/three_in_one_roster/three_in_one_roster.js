// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.query_reports["Three-in-One Roster"] = {
	filters: [
		{
			fieldname: "jurisdiction",
			label: __("Jurisdiction"),
			fieldtype: "Link",
			options: "Jurisdiction",
			default: frappe.boot.xinqu_jurisdiction || "",
		},
		{
			fieldname: "problems_only",
			label: __("Problems Only"),
			fieldtype: "Check",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "problem" && data) {
			const colour = data.problem_code ? "var(--orange-600)" : "var(--green-600)";
			value = `<span style="color: ${colour}">${value}</span>`;
		}
		return value;
	},
};
