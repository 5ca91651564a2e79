// The desk's case forms and lists, for every case DocType the boot names (`frappe.boot.xinqu_case_doctypes`,
// from cases/case_types.py): the SLA deadline and status as the form's headline, SLA pills and an
// indicator in the list, and "Raise Supervision" for the users the server allows
// (cases/supervision.py `can_raise_supervision`). Loaded on every desk page (hooks `app_include_js`).

frappe.provide("xinqu_governance.cases");

const SLA_COLOURS = { "On Track": "green", "Due Soon": "orange", Overdue: "red", Met: "blue" };

function sla_pill(status) {
	return `<span class="indicator-pill ${SLA_COLOURS[status] || "gray"} xq-sla-status">${__(status)}</span>`;
}

// On a phone the desk draws the form's state as a bare dot beside the title (v16 `Page.set_indicator`),
// so there the headline names it in words first.
function state_pill(frm) {
	if (!frappe.is_mobile()) return "";
	const [label, colour] = frappe.get_indicator(frm.doc, frm.doctype) || [];
	return label ? `<span class="indicator-pill ${colour || "gray"} xq-state">${label}</span>` : "";
}

xinqu_governance.cases.show_sla_headline = function (frm) {
	if (frm.is_new()) return;
	const parts = [state_pill(frm)];
	if (frm.doc.resolution_due) {
		const status = frm.doc.sla_status;
		parts.push(status ? sla_pill(status) : "");
		const due = __("Resolution due {0}", [frappe.datetime.str_to_user(frm.doc.resolution_due)]);
		parts.push(`<span class="xq-sla-due">${due}</span>`);
	}
	const headline = parts.filter(Boolean).join(" ");
	if (headline) frm.dashboard.set_headline(headline, SLA_COLOURS[frm.doc.sla_status] || "blue");
};

// On a phone a list row shows only its subject and the state's pill (`.visible-xs` in
// ListView.get_meta_html), not the SLA column: the SLA pill goes beside the state there.
function mark_phone_rows(listview) {
	if (!frappe.is_mobile()) return;
	const docs = Object.fromEntries((listview.data || []).map((doc) => [doc.name, doc]));
	listview.$result.find(".list-row-container").each((_, row) => {
		const name = $(row).find(".list-row-checkbox").attr("data-name");
		const doc = name && docs[decodeURIComponent(name)];
		const place = $(row).find(".level-item.visible-xs");
		if (!doc || !doc.sla_status || place.find(".xq-sla-status").length) return;
		place.prepend(sla_pill(doc.sla_status), " ");
	});
}

xinqu_governance.cases.add_supervision_button = function (frm) {
	if (frm.is_new()) return;
	const name = frm.docname;
	frappe
		.xcall("xinqu_governance.api.cases.can_raise_supervision", {
			case_doctype: frm.doctype,
			case_name: name,
		})
		.then((allowed) => {
			if (allowed && frm.docname === name) {
				frm.add_custom_button(__("Raise Supervision"), () => raise_supervision(frm));
			}
		});
};

// a dialog of the Supervision fields the issuer fills; the server fills the rest and checks the issuer
function raise_supervision(frm) {
	frappe.model.with_doctype("Supervision", () => {
		const fields = ["kind", "deadline", "instruction"].map((fieldname) => {
			const df = frappe.meta.get_docfield("Supervision", fieldname);
			return { fieldname, fieldtype: df.fieldtype, label: __(df.label), options: df.options, reqd: 1 };
		});
		fields[0].default = "Ordinary";
		const dialog = new frappe.ui.Dialog({
			title: __("Raise Supervision"),
			fields,
			primary_action_label: __("Raise"),
			primary_action(values) {
				frappe
					.xcall("frappe.client.insert", {
						doc: { doctype: "Supervision", case_doctype: frm.doctype, case_name: frm.docname, ...values },
					})
					.then((supervision) => {
						dialog.hide();
						frappe.show_alert({
							message: __("Supervision {0} raised", [supervision.name]),
							indicator: "green",
						});
						frm.reload_doc();
					})
					.catch(() => {}); // the server's message is shown already; the dialog stays open
			},
		});
		dialog.show();
	});
}

xinqu_governance.cases.list_settings = {
	add_fields: ["sla_status", "resolution_due", "closed_on", "is_withdrawn", "workflow_state"],
	// used where the DocType has no workflow (a workflow's state is the list's indicator otherwise)
	get_indicator(doc) {
		if (doc.is_withdrawn) return [__("Withdrawn"), "gray", "is_withdrawn,=,1"];
		if (doc.closed_on) return [__("Closed"), "green", "closed_on,is,set"];
		if (SLA_COLOURS[doc.sla_status] && doc.sla_status !== "On Track") {
			return [__(doc.sla_status), SLA_COLOURS[doc.sla_status], `sla_status,=,${doc.sla_status}`];
		}
		if (doc.workflow_state) {
			return [__(doc.workflow_state), "blue", `workflow_state,=,${doc.workflow_state}`];
		}
		return [__("Open"), "blue", "closed_on,is,not set"];
	},
	refresh: mark_phone_rows,
	formatters: {
		sla_status(value) {
			return value ? sla_pill(value) : "";
		},
	},
};

for (const doctype of frappe.boot.xinqu_case_doctypes || []) {
	frappe.listview_settings[doctype] = Object.assign(
		{},
		xinqu_governance.cases.list_settings,
		frappe.listview_settings[doctype] || {}
	);
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			xinqu_governance.cases.show_sla_headline(frm);
			xinqu_governance.cases.add_supervision_button(frm);
		},
	});
}
