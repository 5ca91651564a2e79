/* Grid workers' mobile page (/grid): vanilla JS, no framework bundle.
 * Logs in through /api/method/login; reads and writes through Frappe's REST API with the user's own
 * permissions. Translated strings come from the page (#grid-boot), rendered by www/grid/index.py. */
(function () {
	"use strict";

	var boot = JSON.parse(document.getElementById("grid-boot").textContent);
	var T = boot.strings;

	function $(id) {
		return document.getElementById(id);
	}

	function format(text) {
		var args = Array.prototype.slice.call(arguments, 1);
		return text.replace(/\{(\d+)\}/g, function (match, i) {
			return args[i] !== undefined ? args[i] : match;
		});
	}

	function el(tag, className, text) {
		var node = document.createElement(tag);
		if (className) node.className = className;
		if (text !== undefined && text !== null) node.textContent = text;
		return node;
	}

	/* Text of a message that may hold HTML (parsed inert: nothing in it runs or loads). */
	function plainText(html) {
		return new DOMParser().parseFromString(html, "text/html").body.textContent.trim();
	}

	/* The readable message of a Frappe error response. */
	function serverMessage(data) {
		var messages = [];
		try {
			JSON.parse(data._server_messages || "[]").forEach(function (m) {
				var text = plainText(JSON.parse(m).message || "");
				if (text) messages.push(text);
			});
		} catch (e) {
			/* not a Frappe message list */
		}
		if (!messages.length && data._error_message) messages.push(data._error_message);
		return messages.join("\n");
	}

	/* GET: query string only. Other methods: a form body (FormData for uploads, else `data` = JSON, which
	 * Frappe's REST API reads as the document), with the CSRF token both as Frappe's header and as the
	 * `csrf_token` form field, which Frappe accepts as well. */
	function request(method, url, body, isForm) {
		var headers = {Accept: "application/json"};
		var options = {method: method, headers: headers, credentials: "same-origin"};
		if (method !== "GET") {
			var form = isForm ? body : new URLSearchParams();
			if (!isForm && body !== undefined) form.set("data", JSON.stringify(body));
			if (boot.csrf_token) {
				headers["X-Frappe-CSRF-Token"] = boot.csrf_token;
				form.append("csrf_token", boot.csrf_token);
			}
			options.body = form;
		}
		return fetch(url, options).then(function (response) {
			return response.json().catch(function () {
				return {};
			}).then(function (data) {
				return {ok: response.ok, status: response.status, data: data};
			});
		});
	}

	function resourceUrl(doctype, params) {
		var query = Object.keys(params).map(function (key) {
			var value = params[key];
			if (typeof value !== "string" && typeof value !== "number") value = JSON.stringify(value);
			return encodeURIComponent(key) + "=" + encodeURIComponent(value);
		}).join("&");
		return "/api/resource/" + encodeURIComponent(doctype) + (query ? "?" + query : "");
	}

	/* ---------------------------------------------------------------- login */

	function setupLogin() {
		var form = $("login-form");
		var error = $("login-error");
		var button = $("login-button");
		form.addEventListener("submit", function (event) {
			event.preventDefault();
			error.hidden = true;
			button.disabled = true;
			button.textContent = T.logging_in;
			var body = new URLSearchParams();
			body.set("usr", form.elements.usr.value.trim());
			body.set("pwd", form.elements.pwd.value);
			fetch("/api/method/login", {
				method: "POST",
				headers: {Accept: "application/json"},
				body: body,
				credentials: "same-origin"
			}).then(function (response) {
				if (response.ok) {
					window.location.reload();
					return;
				}
				error.textContent = T.login_failed;
				error.hidden = false;
			}).catch(function () {
				error.textContent = T.network_error;
				error.hidden = false;
			}).then(function () {
				button.disabled = false;
				button.textContent = T.log_in;
			});
		});
	}

	/* ---------------------------------------------------------------- tabs */

	function showTab(name) {
		Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (tab) {
			var active = tab.getAttribute("data-tab") === name;
			tab.classList.toggle("active", active);
			tab.setAttribute("aria-selected", active ? "true" : "false");
		});
		Array.prototype.forEach.call(document.querySelectorAll(".panel"), function (panel) {
			panel.hidden = panel.getAttribute("data-panel") !== name;
		});
		if (name === "events") loadEvents();
	}

	/* ---------------------------------------------------------------- events */

	function loadEvents() {
		var list = $("event-list");
		list.replaceChildren(el("li", "muted", T.loading));
		var url = resourceUrl("Grid Event", {
			fields: boot.event_fields,
			filters: [["reported_by", "=", boot.user]],
			order_by: "creation desc",
			limit_page_length: 20
		});
		return request("GET", url).then(function (result) {
			list.replaceChildren();
			if (!result.ok) {
				handleFailure(result);
				list.appendChild(el("li", "error", serverMessage(result.data) || T.error));
				return;
			}
			var rows = result.data.data || [];
			if (!rows.length) list.appendChild(el("li", "muted", T.no_events));
			rows.forEach(function (row) {
				var item = el("li", "item");
				item.setAttribute("data-name", row.name);
				var head = el("div", "item-head");
				head.appendChild(el("span", "item-title", row.subject));
				head.appendChild(el("span", "badge", boot.states[row.workflow_state] || row.workflow_state || ""));
				item.appendChild(head);
				var meta = [row.jurisdiction];
				if (row.location) meta.push(row.location);
				item.appendChild(el("div", "item-meta", meta.join(" · ")));
				item.appendChild(el("div", "item-meta", row.name + " · " + (row.reported_on || "").slice(0, 16)));
				list.appendChild(item);
			});
		}).catch(function () {
			list.replaceChildren(el("li", "error", T.network_error));
		});
	}

	function showEventMessage(text, isError) {
		var box = $("event-message");
		box.textContent = text;
		box.className = "alert " + (isError ? "alert-error" : "alert-ok");
		box.hidden = false;
		box.scrollIntoView({block: "center"});
	}

	function handleFailure(result) {
		if (result.status === 401 || (result.status === 403 && result.data.exc_type === "CSRFTokenError")) {
			showEventMessage(T.session_expired, true);
			return true;
		}
		return false;
	}

	function uploadPhoto(file) {
		if (!file) return Promise.resolve(null);
		var data = new FormData();
		data.append("file", file, file.name);
		data.append("is_private", "1");
		data.append("folder", "Home/Attachments");
		return request("POST", "/api/method/upload_file", data, true).then(function (result) {
			if (!result.ok || !result.data.message) throw new Error(serverMessage(result.data) || T.photo_failed);
			return result.data.message.file_url;
		});
	}

	function subjectOf(type, description) {
		var label = boot.event_types[type] || type;
		var head = description.split("\n")[0].trim();
		if (head.length > 30) head = head.slice(0, 29) + "…";
		return format(T.event_subject, label, head);
	}

	function showPhotoName() {
		var file = $("event-photo").files[0];
		$("photo-name").textContent = file ? file.name : "";
	}

	function setupEventForm() {
		var form = $("event-form");
		var button = $("event-submit");
		$("event-photo").addEventListener("change", showPhotoName);
		form.addEventListener("submit", function (event) {
			event.preventDefault();
			var values = {
				jurisdiction: form.elements.jurisdiction.value,
				event_type: form.elements.event_type.value,
				description: form.elements.description.value.trim(),
				location: form.elements.location.value.trim()
			};
			if (!values.jurisdiction) return showEventMessage(T.choose_grid, true);
			if (!values.event_type) return showEventMessage(T.choose_type, true);
			if (!values.description) return showEventMessage(T.describe, true);
			values.subject = subjectOf(values.event_type, values.description);
			$("event-message").hidden = true;
			button.disabled = true;
			button.textContent = T.saving;
			uploadPhoto(form.elements.photo.files[0]).then(function (photo) {
				if (photo) values.photo = photo;
				return request("POST", "/api/resource/Grid Event", values);
			}).then(function (result) {
				if (result.ok) {
					form.reset();
					showPhotoName();
					showEventMessage(format(T.reported, result.data.data.name), false);
					return;
				}
				if (handleFailure(result)) return;
				if (result.status === 403) {
					showEventMessage(T.not_permitted, true);
				} else {
					showEventMessage(serverMessage(result.data) || T.error, true);
				}
			}).catch(function (error) {
				showEventMessage(error && error.message ? error.message : T.network_error, true);
			}).then(function () {
				button.disabled = false;
				button.textContent = T.report;
			});
		});
	}

	/* ---------------------------------------------------------------- households */

	function setupHouseholdSearch() {
		var form = $("household-search");
		var list = $("household-list");
		form.addEventListener("submit", function (event) {
			event.preventDefault();
			var text = form.elements.q.value.trim();
			var node = form.elements.node ? form.elements.node.value : "";
			var params = {
				fields: boot.household_fields,
				order_by: "head_name asc",
				limit_page_length: 50
			};
			if (node) params.filters = [["jurisdiction", "descendants of (inclusive)", node]];
			if (text) {
				var like = "%" + text + "%";
				params.or_filters = [["head_name", "like", like], ["household_code", "like", like], ["name", "like", like]];
			}
			list.replaceChildren(el("li", "muted", T.loading));
			request("GET", resourceUrl("Household", params)).then(function (result) {
				list.replaceChildren();
				if (!result.ok) {
					list.appendChild(el("li", "error", serverMessage(result.data) || T.error));
					return;
				}
				var rows = result.data.data || [];
				if (!rows.length) list.appendChild(el("li", "muted", T.no_households));
				rows.forEach(function (row) {
					var item = el("li", "item");
					item.setAttribute("data-name", row.name);
					var head = el("div", "item-head");
					head.appendChild(el("span", "item-title", row.head_name || T.no_head));
					head.appendChild(el("span", "badge", format(T.members, row.member_count || 0)));
					item.appendChild(head);
					item.appendChild(el("div", "item-meta", [row.household_code || row.name, row.jurisdiction].join(" · ")));
					list.appendChild(item);
				});
			}).catch(function () {
				list.replaceChildren(el("li", "error", T.network_error));
			});
		});
	}

	/* ---------------------------------------------------------------- start */

	if (!boot.user) {
		setupLogin();
		return;
	}
	$("logout-button").addEventListener("click", function () {
		request("POST", "/api/method/logout").then(function () {
			window.location.reload();
		});
	});
	Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (tab) {
		tab.addEventListener("click", function () {
			showTab(tab.getAttribute("data-tab"));
		});
	});
	setupEventForm();
	setupHouseholdSearch();
})();
