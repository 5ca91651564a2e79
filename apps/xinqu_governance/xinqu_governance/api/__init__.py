"""The app's HTTP surface: every whitelisted function a desk script, the portal or an integration
calls, one module per concern, each argument typed (hooks.py sets `require_type_annotated_api_methods`,
as helpdesk does, so Frappe validates and coerces the arguments of a request; an argument without a
type fails there). The functions here check who may call and hand over to the domain modules, which
are not whitelisted themselves.

Whitelisted functions that stay where Frappe's conventions put them (typed all the same,
`tests/test_api.py` checks both):
- methods of a Document called through `frm.call` / `run_doc_method` (on their controllers);
- overrides of Frappe's own endpoints (`override_whitelisted_methods` in hooks.py);
- Custom Number Card methods (`cases/desk_cards.py`) and Dashboard Chart Sources (`get` in the
  source's folder), which Frappe calls by the path stored on the card or chart.
"""
