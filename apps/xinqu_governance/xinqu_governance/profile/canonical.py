"""The canonical form of a document in a profile file.

A document's *state* is the value of every field its spec covers, normalised by field type (ints
for Check/Int, numbers for Float, ISO strings for dates, None for empty text). A profile file
writes the state minus the fields equal to their static default, so that a field missing from a
file means "the default". Applying compares states; exporting writes them back in one stable form
(`dump_docs`), so an unchanged site exports byte-for-byte the files it was given.
"""

import json

import frappe
from frappe.model import no_value_fields, table_fields
from frappe.utils import cint, cstr, flt, get_datetime, get_time, getdate

from xinqu_governance.profile.spec import NOISE_FIELDS, DocTypeSpec, get_spec

INT_TYPES = frozenset({"Int", "Long Int", "Check", "Duration"})
FLOAT_TYPES = frozenset({"Float", "Currency", "Percent", "Rating"})
_MISSING = object()


def dump_docs(docs: list[dict]) -> str:
	"""The text of a profile file: Frappe's export layout (indent 1, sorted keys), UTF-8 as is."""
	return json.dumps(docs, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def canonical(fieldtype: str, value):
	if fieldtype in INT_TYPES:
		return cint(value)
	if fieldtype in FLOAT_TYPES:
		number = flt(value)
		return int(number) if number.is_integer() else number
	if value is None or value == "":
		return None
	if fieldtype == "Date":
		return getdate(value).isoformat()
	if fieldtype == "Datetime":
		return str(get_datetime(value))
	if fieldtype == "Time":
		return get_time(value).isoformat()
	if fieldtype == "JSON":
		return json.loads(value) if isinstance(value, str) else value
	return cstr(value)


def is_dynamic_default(default) -> bool:
	text = cstr(default).strip()
	return text.lower() in ("today", "now", "__user", "user") or text.startswith((":", "__"))


def static_default(df):
	"""The value a field takes when a profile document leaves it out."""
	if df.fieldtype in table_fields:
		return []
	default = df.default
	if default in (None, "") or is_dynamic_default(default):
		default = None
	return canonical(df.fieldtype, default)


def covered_fields(meta, spec: DocTypeSpec) -> list:
	"""The DocFields a profile document of this DocType holds."""
	if spec.fields is not None:
		return [meta.get_field(fieldname) for fieldname in spec.fields if meta.get_field(fieldname)]

	fields = []
	for df in meta.fields:
		if df.fieldname in NOISE_FIELDS or df.fieldname in spec.exclude:
			continue
		if df.fieldtype in no_value_fields and df.fieldtype not in table_fields:
			continue
		if df.fieldtype == "Password" or df.get("is_virtual"):
			continue
		if df.get("fetch_from") and df.get("read_only") and not df.get("fetch_if_empty"):
			continue  # computed from a link
		fields.append(df)
	return fields


def document_state(meta, spec: DocTypeSpec, get) -> dict:
	"""Full state of a document; `get(fieldname)` returns a value or `_MISSING` (then the default)."""
	state = {}
	for df in covered_fields(meta, spec):
		value = get(df.fieldname)
		if df.fieldtype in table_fields:
			child_meta = frappe.get_meta(df.options)
			child_spec = get_spec(df.options)
			rows = [
				document_state(child_meta, child_spec, _getter(row))
				for row in ([] if value is _MISSING else value or [])
			]
			if df.fieldname in spec.unordered_tables:
				rows.sort(key=lambda row: json.dumps(row, sort_keys=True, ensure_ascii=False))
			state[df.fieldname] = rows
		else:
			state[df.fieldname] = static_default(df) if value is _MISSING else canonical(df.fieldtype, value)
	return state


def _getter(source):
	if isinstance(source, dict):
		return lambda fieldname: source.get(fieldname, _MISSING)
	return lambda fieldname: source.get(fieldname)


def state_of_profile_doc(docdict: dict) -> dict:
	meta = frappe.get_meta(docdict["doctype"])
	return document_state(meta, get_spec(meta.name, meta.issingle), _getter(docdict))


def state_of_document(doc) -> dict:
	return document_state(doc.meta, get_spec(doc.doctype, doc.meta.issingle), _getter(doc))


def profile_doc_of(doc) -> dict:
	"""A site document in profile form: identity, then every covered field that differs from its default."""
	meta = doc.meta
	spec = get_spec(doc.doctype, meta.issingle)
	out = {"doctype": doc.doctype}
	if not meta.issingle and spec.key_fields is None:
		out["name"] = doc.name
	out.update(_without_defaults(meta, spec, state_of_document(doc)))
	return out


def _without_defaults(meta, spec: DocTypeSpec, state: dict) -> dict:
	out = {}
	for df in covered_fields(meta, spec):
		value = state[df.fieldname]
		if df.fieldtype in table_fields:
			if value:
				child_meta = frappe.get_meta(df.options)
				child_spec = get_spec(df.options)
				out[df.fieldname] = [_without_defaults(child_meta, child_spec, row) for row in value]
		elif value != static_default(df):
			out[df.fieldname] = value
	return out
