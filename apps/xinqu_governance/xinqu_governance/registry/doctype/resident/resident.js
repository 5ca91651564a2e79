// Copyright (c) 2026, Xinqu Governance Contributors
// For license information, please see license.txt

frappe.ui.form.on("Resident", {
	setup(frm) {
		frm.set_query("grid", () => ({ filters: { level: "Grid" } }));
	},
	citizen_id(frm) {
		// birth date and sex follow the number as it is typed; the server checks it (and again on save)
		const number = (frm.doc.citizen_id || "").replace(/\s+/g, "").toUpperCase();
		if (number.length !== 18) return;
		frappe
			.xcall("xinqu_governance.api.registry.read_citizen_id", {
				number,
			})
			.then((read) => {
				if (number !== (frm.doc.citizen_id || "").replace(/\s+/g, "").toUpperCase()) return;
				const field = frm.get_field("citizen_id");
				if (!read.valid) {
					field.set_description(`<span class="text-danger">${frappe.utils.escape_html(read.message)}</span>`);
					return;
				}
				field.set_description("");
				if (frm.doc.citizen_id !== read.number) frm.set_value("citizen_id", read.number);
				frm.set_value("birth_date", read.birth_date);
				frm.set_value("sex", read.sex);
			});
	},
});
