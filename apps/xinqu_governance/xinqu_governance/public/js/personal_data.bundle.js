// ID and phone numbers in the desk's forms (governance/personal_data.py, docs/security.md "Personal data").
// The boot names the personal fields of each DocType (`frappe.boot.xinqu_personal_fields`). A user who may
// read the full numbers (permlevel 1) sees them and not their masked copies; any other user sees the
// masked copies, and, if a role of theirs may reveal (`frappe.boot.xinqu_may_reveal`), a "Reveal Full
// Number" menu: each number is revealed after a reason is given, and the server logs it.
// Loaded on every desk page (hooks `app_include_js`).

frappe.provide("xinqu_governance.personal_data");

const MASKED = "_masked";

function may_read_full(frm) {
	return Boolean(frm.perm && frm.perm[1] && frm.perm[1].read);
}

xinqu_governance.personal_data.reveal = function (doctype, name, fieldname, label) {
	frappe.prompt(
		[
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Reason"),
				reqd: 1,
				description: __("Why you need the full number. It is logged and shown to the Governance Administrator."),
			},
		],
		(values) => {
			frappe
				.xcall("xinqu_governance.api.personal_data.reveal_personal_number", {
					doctype,
					name,
					fieldname,
					reason: values.reason,
				})
				.then((number) => {
					frappe.msgprint({
						title: label,
						message: `<span class="xq-revealed-number">${frappe.utils.escape_html(number || "")}</span>`,
						indicator: "orange",
					});
				});
		},
		__("Reveal Full Number"),
		__("Reveal")
	);
};

function personal_fields(doctype) {
	return ((frappe.boot && frappe.boot.xinqu_personal_fields) || {})[doctype] || [];
}

function show_numbers(frm) {
	const full = may_read_full(frm);
	personal_fields(frm.doctype).forEach((fieldname) => frm.toggle_display(fieldname + MASKED, !full));
	frm.meta.fields
		.filter((df) => frappe.model.table_fields.includes(df.fieldtype) && personal_fields(df.options).length)
		.forEach((table) => {
			const grid = frm.get_field(table.fieldname) && frm.get_field(table.fieldname).grid;
			if (!grid) return;
			personal_fields(table.options).forEach((fieldname) =>
				grid.update_docfield_property(fieldname + MASKED, "hidden", full ? 1 : 0)
			);
		});
	if (full || frm.is_new() || !frappe.boot.xinqu_may_reveal) return;
	const group = __("Reveal Full Number");
	personal_fields(frm.doctype).forEach((fieldname) => {
		if (!frm.doc[fieldname + MASKED]) return;
		const label = __(frm.get_docfield(fieldname).label);
		frm.add_custom_button(
			label,
			() => xinqu_governance.personal_data.reveal(frm.doctype, frm.docname, fieldname, label),
			group
		);
	});
	frm.meta.fields
		.filter((df) => frappe.model.table_fields.includes(df.fieldtype) && personal_fields(df.options).length)
		.forEach((table) => {
			(frm.doc[table.fieldname] || []).forEach((row) => {
				personal_fields(table.options).forEach((fieldname) => {
					if (!row[fieldname + MASKED]) return;
					const field = __(frappe.meta.get_docfield(table.options, fieldname).label);
					const label = __("{0} row {1}: {2}", [__(table.label), row.idx, field]);
					frm.add_custom_button(
						label,
						() => xinqu_governance.personal_data.reveal(table.options, row.name, fieldname, label),
						group
					);
				});
			});
		});
}

for (const doctype of Object.keys(frappe.boot.xinqu_personal_fields || {})) {
	frappe.ui.form.on(doctype, { refresh: show_numbers });
}
