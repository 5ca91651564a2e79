"""Fix 7: PDF. monoframe's `get_pdf` raises NotImplementedError and `pdf_body_html` returns "".

Frappe renders the print format body with `template.render(args)` and turns HTML into PDF with
wkhtmltopdf (v15) or Chrome (v16 option). Here: Frappe's body renderer, and WeasyPrint (the
`[pdf]` extra) for the PDF, honouring page size and margins from the options Frappe passes, and
appending to a pypdf writer when `output` is given (as Frappe's get_pdf does). Chinese text needs
a CJK font on the machine (scripts/setup installs fonts-noto-cjk).

The PDF engine fetches only the site's own files: `/assets/…` and public `/files/…` of the site's
URL (read from disk) and `data:` URLs. Anything else (another host, `file://`, private files) is
refused, so a value printed into a document cannot make the server fetch a URL (SSRF) or embed a
file of the machine. wkhtmltopdf on v15 still fetches remote URLs; there the print formats'
escaping is what protects.
"""

import io
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

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


def site_file_of(frappe, url: str) -> Path | None:
	"""The file on disk that `url` names when it is an asset or a public file of this site, else None."""
	parts, site = urlsplit(url), urlsplit(frappe.utils.get_url())
	if (parts.scheme, parts.netloc) != (site.scheme, site.netloc) or parts.query:
		return None
	path = unquote(parts.path)
	roots = {
		"/assets/": Path(frappe.get_site_path("assets")),  # the runtime keeps assets in the site folder
		"/files/": Path(frappe.get_site_path("public", "files")),
	}
	for prefix, root in roots.items():
		if path.startswith(prefix):
			# normpath, not resolve: assets/<app> are symlinks to the apps' public folders
			file = Path(os.path.normpath(root.absolute() / path[len(prefix) :]))
			if file.is_relative_to(root.absolute()) and file.is_file():
				return file
	return None


def site_url_fetcher(frappe):
	"""A WeasyPrint URL fetcher that serves the site's own files from disk and refuses every other URL."""
	from weasyprint.urls import URLFetcher

	class SiteFilesOnly(URLFetcher):
		def fetch(self, url, headers=None):
			if url.startswith("data:"):
				return super().fetch(url, headers)
			file = site_file_of(frappe, url)
			if file is None:
				raise ValueError(f"not a file of this site, not fetched: {url}")
			return super().fetch(file.as_uri(), headers)

	return SiteFilesOnly(allowed_protocols=("data", "file"), allow_redirects=False)


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

		document = HTML(string=html, base_url=frappe.utils.get_url(), url_fetcher=site_url_fetcher(frappe))
		content = document.write_pdf(stylesheets=[CSS(string=_page_css(options))])
		if output is None:
			return content
		from pypdf import PdfReader

		output.append_pages_from_reader(PdfReader(io.BytesIO(content)))
		return output

	pdf.pdf_body_html = pdf_body_html
	pdf.get_pdf = get_pdf
	print_format.get_pdf = get_pdf
