// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("SLA Rule", {
	setup(frm) {
		// only the case DocTypes (module Cases, with the case fields)
		frm.set_query("case_doctype", () => ({
			query: "xinqu_governance.api.cases.case_doctype_query",
		}));
	},
});
