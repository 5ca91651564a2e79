// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.query_reports["Overdue Queue"] = {
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
			fieldname: "case_type",
			label: __("Case Type"),
			fieldtype: "Link",
			options: "DocType",
			get_query: () => ({
				query: "xinqu_governance.api.cases.case_doctype_query",
			}),
		},
		{
			fieldname: "sla_status",
			label: __("SLA Status"),
			fieldtype: "Select",
			options: ["", "Overdue", "Due Soon"],
		},
		{
			fieldname: "handling_unit",
			label: __("Handling Unit"),
			fieldtype: "Link",
			options: "Handling Unit",
		},
		{
			fieldname: "page_length",
			label: __("Rows"),
			fieldtype: "Int",
			default: 100,
		},
	],
	formatter(value, row, column, data, default_formatter) {
		if (column.fieldname === "case_type" && value) {
			value = __(value);
		}
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "sla_status" && data) {
			const colour = data.sla_status_key === "Overdue" ? "red" : "orange";
			value = `<span style="color: var(--${colour}-600)">${value}</span>`;
		}
		return value;
	},
};
