"""Fix 7: PDF. monoframe's `get_pdf` raises NotImplementedError and `pdf_body_html` returns "".

Frappe renders the print format body with `template.render(args)` and turns HTML into PDF with
wkhtmltopdf (v15) or Chrome (v16 option). Here: Frappe's body renderer, and WeasyPrint (the
`[pdf]` extra) for the PDF, honouring page size and margins from the options Frappe passes, and
appending to a pypdf writer when `output` is given (as Frappe's get_pdf does). Chinese text needs
a CJK font on the machine (scripts/setup installs fonts-noto-cjk).
"""

import io

MM_KEYS = ("margin-top", "margin-right", "margin-bottom", "margin-left")


def _page_css(options: dict | None) -> str:
	options = options or {}
	size = options.get("page-size") or "A4"
	if options.get("page-width") and options.get("page-height"):
		size = f"{options['page-width']}mm {options['page-height']}mm"
	if str(options.get("orientation", "")).lower() == "landscape":
		size = f"{size} landscape"
	margins = " ".join(_mm(options.get(k, 15)) for k in MM_KEYS)
	return f"@page {{ size: {size}; margin: {margins}; }}"


def _mm(value) -> str:
	text = str(value).strip()
	return text if text.endswith(("mm", "cm", "in", "px", "pt")) else f"{text}mm"


def apply(frappe) -> None:
	from frappe.utils import pdf, print_format

	def pdf_body_html(template, args, **kwargs):
		try:
			return template.render(args, filters={"len": len})
		except Exception as e:
			frappe.throw(
				frappe._("Error in print format: {0}").format(e),
				exc=frappe.PrintFormatError,
				title=frappe._("Print Format Error"),
			)

	def get_pdf(html, options=None, output=None, **kwargs):
		from weasyprint import CSS, HTML

		document = HTML(string=html, base_url=frappe.utils.get_url())
		content = document.write_pdf(stylesheets=[CSS(string=_page_css(options))])
		if output is None:
			return content
		from pypdf import PdfReader

		output.append_pages_from_reader(PdfReader(io.BytesIO(content)))
		return output

	pdf.pdf_body_html = pdf_body_html
	pdf.get_pdf = get_pdf
	print_format.get_pdf = get_pdf
