frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Open Cases by SLA Status"] = {
	method: "xinqu_governance.cases.dashboard_chart_source.open_cases_by_sla_status.open_cases_by_sla_status.get",
	filters: [],
};
