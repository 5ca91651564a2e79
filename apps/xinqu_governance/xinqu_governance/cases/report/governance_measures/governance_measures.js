// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.query_reports["Governance Measures"] = {
	filters: [
		{
			fieldname: "jurisdiction",
			label: __("Jurisdiction"),
			fieldtype: "Link",
			options: "Jurisdiction",
			// the user's own node (governance/access.py boot_session)
			default: frappe.boot.xinqu_jurisdiction,
			reqd: 1,
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
	],
	// each measure over the whole jurisdiction, the nodes of the next level folded under it
	tree: true,
	name_field: "row_id",
	parent_field: "parent_row",
	initial_depth: 0,
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "change" && data && data.change) {
			const better = data.direction_key === "Up" ? data.change > 0 : data.change < 0;
			value = `<span style="color: var(--${better ? "green" : "red"}-600)">${value}</span>`;
		}
		return value;
	},
};
