"""The district's official documents (profile `print_formats/`): each renders to an A4 PDF in
Chinese with the document's own data (checked on the text `pdftotext` extracts from the real PDF),
prints blanks instead of "None", round-trips through the profile, and over HTTP is given to a user of
the village and refused to a user of another village."""

import datetime
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import frappe
import pytest
import requests
from frappe.utils import add_days, add_to_date, formatdate, getdate, now_datetime
from xinqu_governance.governance.link_access import app_modules
from xinqu_governance.profile import apply_profile, export_profile
from xinqu_governance.profile.reader import read_profile
from xinqu_governance.registry.citizen_id import make_citizen_id

from tests.case_factories import act, as_user, case_profile, make_case, make_unit, purge_cases
from tests.factories import (
	PASSWORD,
	make_building,
	make_compound,
	make_jurisdiction_tree,
	make_user_at,
	purge_tree,
)

REPO = Path(__file__).resolve().parents[1]
PDF_DIR = Path("/tmp/xq_print_formats")  # the last PDFs rendered, to look at
# XQ_PRINT_SCREENS=dir: the long-content renders also leave a PNG of their first and last page there
# (scripts/update_print_screens keeps them in docs/print_formats/)
PRINT_SCREENS = os.environ.get("XQ_PRINT_SCREENS")

# print format → (doctype, key of the record in `world`)
DOCUMENTS = {
	"人民调解协议书": ("Dispute", "dispute"),
	"信访受理告知书": ("Petition", "petition"),
	"交办单": ("Supervision", "supervision"),
	"督办单": ("Supervision", "supervision"),
	"户情卡": ("Household", "household"),
	"网格花名册": ("Grid Profile", "grid_profile"),
	"社会稳定风险评估报告": ("Stability Risk Assessment", "assessment"),
}
TITLES = {
	"人民调解协议书": "人民调解协议书",
	"信访受理告知书": "信访事项受理告知书",
	"交办单": "交办单",
	"督办单": "督办单",
	"户情卡": "户情卡",
	"网格花名册": "网格花名册",
	"社会稳定风险评估报告": "社会稳定风险评估报告",
}

pytestmark = pytest.mark.usefixtures("case_profile")


# ------------------------------------------------------------------ the documents' world


def citizen_id(born: datetime.date, male: bool) -> str:
	"""A valid number no resident has, with the sex digit (odd for men) set."""
	rng = random.SystemRandom()
	while True:
		sequence = rng.randrange(500) * 2 + (1 if male else 0)
		number = make_citizen_id("632123", born, sequence)
		if not frappe.db.exists("Resident", {"citizen_id": number}):
			return number


def make_person(jurisdiction, name, born, male, **fields):
	return frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": name,
			"citizen_id": citizen_id(born, male),
			"jurisdiction": jurisdiction,
			**fields,
		}
	).insert(ignore_permissions=True)


def name_user(user: str, full_name: str) -> None:
	frappe.db.set_value("User", user, {"first_name": full_name, "full_name": full_name})


def apply_print_profile(target: Path) -> list[list[str]]:
	"""Apply the profile's print formats and default print formats; returns what was inserted."""
	shutil.copytree(REPO / "print_formats", target / "print_formats")
	(target / "fixtures").mkdir()
	shutil.copy(REPO / "fixtures" / "property_setter.json", target / "fixtures" / "property_setter.json")
	summary = apply_profile(target)
	return [change for change in summary["changes"] if change[0] == "inserted"]


@pytest.fixture(scope="module")
def world(tmp_path_factory, case_profile):  # noqa: F811
	"""Committed (the live server reads them): the print formats, a tree, a resettled household of
	three in 3号楼2单元 of a compound in grid A1, a neighbour, the grid's profile with its worker and
	building head, a dispute between the two, a petition, a supervision of the dispute issued by the
	town, and a risk assessment; users of village A1 (allowed) and village B1 (not allowed)."""
	frappe.set_user("Administrator")
	inserted = apply_print_profile(tmp_path_factory.mktemp("print_profile"))
	w = frappe._dict(inserted=inserted, printed=[])
	w.tree = tree = make_jurisdiction_tree()

	w.staff_a1 = make_user_at("Village Staff", tree.village_a1, prefix="xq-pf-va1")
	w.staff_b1 = make_user_at("Village Staff", tree.village_b1, prefix="xq-pf-vb1")
	w.officer = make_user_at("Town Officer", tree.town_a, prefix="xq-pf-ta")
	w.grid_worker = make_user_at("Grid Worker", tree.grid_a1, prefix="xq-pf-grid")
	name_user(w.staff_a1, "李调解")
	name_user(w.officer, "王督办")
	name_user(w.grid_worker, "张网格")
	w.users = [w.staff_a1, w.staff_b1, w.officer, w.grid_worker]
	w.unit_village = make_unit("Village", tree.village_a1, members=[w.staff_a1])
	w.unit_town = make_unit("Town", tree.town_a, members=[w.officer])

	compound = make_compound(tree.village_a1, f"幸福家园{frappe.generate_hash(length=4)}")
	building = make_building(compound, "3", floors=6, units=2, per_floor=2)
	w.dwelling = f"{building}-2-502"
	w.grid_profile = (
		frappe.get_doc(
			{
				"doctype": "Grid Profile",
				"jurisdiction": tree.grid_a1,
				"compound": compound,
				"grid_number": 1,
				"workers": [{"user": w.grid_worker, "phone": "13909720001", "is_lead": 1}],
				"coverage": [{"building": building}],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)

	head = make_person(
		tree.grid_a1, "马文华", datetime.date(1968, 4, 12), True, ethnicity="Hui", phone="13897200001"
	)
	spouse = make_person(tree.grid_a1, "韩秀英", datetime.date(1970, 9, 3), False, ethnicity="Hui")
	son = make_person(
		tree.grid_a1, "马俊杰", datetime.date(1995, 1, 20), True, ethnicity="Hui", phone="13897200003"
	)
	w.residents = [head, spouse, son]
	w.household = (
		frappe.get_doc(
			{
				"doctype": "Household",
				"jurisdiction": tree.grid_a1,
				"household_type": "Resettled",
				"origin_village": tree.village_a2,
				"head": head.name,
				"members": [
					{"resident": head.name, "relation": "Head"},
					{"resident": spouse.name, "relation": "Spouse"},
					{"resident": son.name, "relation": "Son"},
				],
				"dwelling": w.dwelling,
				"allocation_plan": "平安县回迁安置分配方案（第一批）",
				"allocation_date": "2015-10-08",
				"move_in_date": "2016-05-01",
				"transition_status": "Moved In",
				"hukou_conversion_steps": [
					{"step": "Applied", "step_date": "2016-03-01"},
					{"step": "Approved", "step_date": "2016-06-20", "reference": "平公户〔2016〕37号"},
					{"step": "Completed", "step_date": "2016-08-15", "reference": "平公户〔2016〕37号"},
				],
				"low_income_status": "Urban Minimum Living Allowance",
				"low_income_since": "2017-01-01",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	neighbour = make_person(
		tree.grid_a1, "祁永福", datetime.date(1975, 6, 30), True, ethnicity="Tu", phone="13897200009"
	)
	w.residents.append(neighbour)
	frappe.db.set_value("Grid Profile", w.grid_profile, "building_head", neighbour.name)
	frappe.db.set_value(
		"Grid Profile", w.grid_profile, {"building_head_name": "祁永福", "building_head_phone": "13897200009"}
	)

	session_on = add_to_date(now_datetime(), days=-2)
	w.dispute = make_case(
		"Dispute",
		tree.grid_a1,
		subject="楼上漏水致楼下房屋受损纠纷",
		how_found="Grid Report",
		occurred_on=add_days(getdate(), -10),
		description="祁永福家卫生间防水层破损，漏水致马文华家卫生间顶棚及墙面受损，双方就维修及赔偿发生争执。",
		parties=[
			{"resident": head.name, "party_role": "Applicant"},
			{"resident": neighbour.name, "party_role": "Respondent"},
		],
		mediation_type="People's Mediation",
		mediation_sessions=[
			{
				"session_on": session_on,
				"mediation_type": "People's Mediation",
				"mediator": w.staff_a1,
				"location": "村综治信访服务站调解室",
				"result": "Agreement",
				"summary": "双方同意由被申请人维修防水层并赔偿。",
			}
		],
		outcome="Agreement",
		agreement_text="一、祁永福于十日内自费修复卫生间防水层；\n二、祁永福一次性赔偿马文华房屋修复费用人民币贰仟元整。",
		handling_unit=w.unit_village,
	)
	w.session_on = session_on

	w.petition = make_case(
		"Petition",
		tree.village_a1,
		subject="反映安置房电梯长期停运问题",
		content="幸福家园3号楼电梯停运两个月，物业未予维修，老人出行困难。",
		channel="Visit",
		petitioner=head.name,
		petitioner_name=None,
		intake_window="甲镇一村综治信访服务站1号窗口",
		handling_unit=w.unit_village,
	)
	accepted_on = now_datetime()
	w.reply_due = add_days(getdate(accepted_on), 60)
	frappe.db.set_value("Petition", w.petition.name, {"accepted_on": accepted_on, "reply_due": w.reply_due})

	frappe.db.set_value("Dispute", w.dispute.name, {"handling_level": "Village", "assigned_to": w.staff_a1})
	frappe.set_user(w.officer)
	try:
		w.supervision = frappe.get_doc(
			{
				"doctype": "Supervision",
				"case_doctype": "Dispute",
				"case_name": w.dispute.name,
				"kind": "Yellow Card",
				"deadline": add_to_date(now_datetime(), days=7),
				"instruction": "请于七日内督促双方履行调解协议，并书面报告履行情况。",
			}
		).insert()
	finally:
		frappe.set_user("Administrator")

	w.assessment = make_case(
		"Stability Risk Assessment",
		tree.village_a1,
		subject="幸福家园二期安置房分配方案",
		subject_type="Major Decision",
		risk_field="Resettlement",
		risk_level="Medium",
		assessment="分配方案涉及回迁户312户，群众对楼层、朝向分配方式意见较集中。",
		measures=[
			{
				"risk_level": "Medium",
				"measure": "分配前公示方案并召开户代表会议，公开抽签。",
				"responsible_unit": w.unit_town,
				"responsible_user": w.officer,
				"due_date": add_days(getdate(), 30),
			}
		],
		handling_unit=w.unit_town,
	)
	frappe.db.commit()
	yield w

	frappe.set_user("Administrator")
	frappe.db.rollback()
	names = [
		w.dispute.name,
		w.petition.name,
		w.assessment.name,
		w.supervision.name,
		w.household,
		w.grid_profile,
	]
	printed = names + w.printed  # printing a record logs an access, committed even in tests
	frappe.db.delete("Accountability Record", {"supervision": w.supervision.name})
	frappe.db.delete("Supervision", {"name": w.supervision.name})
	frappe.db.delete("Access Log", {"reference_document": ("in", printed), "file_type": "PDF"})
	frappe.db.delete("Notification Log", {"for_user": ("in", w.users)})
	frappe.db.delete("Version", {"docname": ("in", names + [r.name for r in w.residents])})
	purge_cases(tree, commit=False)
	purge_tree(tree, w.users, commit=False)
	for _result, doctype, name in w.inserted:
		frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
	frappe.db.commit()
	frappe.clear_cache()


def record_of(world, print_format):
	doctype, key = DOCUMENTS[print_format]
	record = world[key]
	return doctype, record if isinstance(record, str) else record.name


# ------------------------------------------------------------------ PDF text


def pdf_text(pdf: bytes, name: str) -> tuple[str, str]:
	"""(text, page size) of a PDF, through poppler; the PDF is kept in PDF_DIR to look at."""
	PDF_DIR.mkdir(exist_ok=True)
	path = PDF_DIR / f"{name}.pdf"
	path.write_bytes(pdf)
	text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
	info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
	size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
	return text, f"{round(float(size.group(1)))} x {round(float(size.group(2)))}"


def flat(text: str) -> str:
	return re.sub(r"\s+", "", text)


def pdf_pages(pdf: bytes, name: str) -> list[str]:
	"""The flattened text of each page (`pdftotext -raw -f N -l N`: rotated text, the draft mark,
	comes out in reading order); the PDF is kept in PDF_DIR."""
	PDF_DIR.mkdir(exist_ok=True)
	path = PDF_DIR / f"{name}.pdf"
	path.write_bytes(pdf)
	info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
	count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
	return [
		flat(
			subprocess.run(
				["pdftotext", "-raw", "-f", str(n), "-l", str(n), str(path), "-"],
				capture_output=True,
				check=True,
				text=True,
			).stdout
		)
		for n in range(1, count + 1)
	]


def page_pngs(name: str, slug: str, pages: int) -> None:
	"""First and last page of PDF_DIR/<name>.pdf as PNGs <slug>-first.png / <slug>-last.png (poppler)."""
	target = Path(PRINT_SCREENS)
	target.mkdir(parents=True, exist_ok=True)
	for which, page in (("first", 1), ("last", pages)):
		subprocess.run(
			["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page), "-l", str(page),
			 str(PDF_DIR / f"{name}.pdf"), str(target / f"{slug}-{which}")],
			check=True,
		)


def has_translated(body: str, source: str) -> bool:
	"""The translation of `source` is in the flattened text (a word broken at a hyphen included)."""
	return flat(frappe._(source)).replace("-", "") in body.replace("-", "")


@pytest.fixture
def chinese():
	previous = frappe.local.lang
	frappe.local.lang = "zh"
	yield
	frappe.local.lang = previous


def render(world, print_format) -> tuple[str, str]:
	doctype, name = record_of(world, print_format)
	pdf = frappe.get_print(doctype, name, print_format=print_format, as_pdf=True)
	assert pdf[:5] == b"%PDF-"
	return pdf_text(pdf, print_format)


def assert_common(text, size, print_format, number):
	assert size == "595 x 842", f"{print_format} is not A4: {size}"
	body = flat(text)
	assert flat(TITLES[print_format]) in body
	assert number in body
	assert "None" not in text
	assert "{{" not in text and "{%" not in text


# ------------------------------------------------------------------ tests


def test_profile_carries_the_documents_and_their_defaults():
	docs = {
		doc["name"]: doc for f in read_profile(REPO) for doc in f.docs if doc["doctype"] == "Print Format"
	}
	assert set(DOCUMENTS) <= set(docs)
	for name, (doctype, _key) in DOCUMENTS.items():
		doc = docs[name]
		assert doc["doc_type"] == doctype and doc["custom_format"] == 1
		assert "size: A4" in doc["css"] and "Noto Serif CJK SC" in doc["css"]
	setters = {
		doc["doc_type"]: doc["value"]
		for f in read_profile(REPO)
		for doc in f.docs
		if doc["doctype"] == "Property Setter" and doc.get("property") == "default_print_format"
	}
	assert setters["Dispute"] == "人民调解协议书"
	assert setters["Supervision"] == "督办单"
	assert all(docs[value]["doc_type"] == doctype for doctype, value in setters.items())


def test_print_formats_round_trip_through_the_profile(world, tmp_path):
	"""Applied again nothing changes; exported, the files come back byte for byte."""
	target = tmp_path / "profile"
	shutil.copytree(REPO / "print_formats", target / "print_formats")
	(target / "fixtures").mkdir()
	shutil.copy(REPO / "fixtures" / "property_setter.json", target / "fixtures" / "property_setter.json")
	summary = apply_profile(target)
	assert summary["inserted"] == 0 and summary["updated"] == 0
	export_profile(target)
	for path in sorted((REPO / "print_formats").glob("*.json")):
		assert (target / "print_formats" / path.name).read_bytes() == path.read_bytes(), path.name
	assert (target / "fixtures" / "property_setter.json").read_bytes() == (
		REPO / "fixtures" / "property_setter.json"
	).read_bytes()
	assert frappe.get_meta("Dispute").default_print_format == "人民调解协议书"


def test_mediation_agreement(world, chinese):
	text, size = render(world, "人民调解协议书")
	assert_common(text, size, "人民调解协议书", world.dispute.name)
	body = flat(text)
	head, neighbour = world.residents[0], world.residents[3]
	for person in (head, neighbour):
		assert person.full_name in body and person.citizen_id in body
		assert formatdate(person.birth_date) in body
	assert has_translated(body, "Hui") and has_translated(body, "Male")
	assert "3号楼2单元502室" in body  # the applicant's address, from his household's dwelling
	for heading in ("纠纷主要事实、争议事项", "经调解，自愿达成如下协议", "履行方式、时限", "本协议一式3份"):
		assert heading in body
	assert "赔偿马文华房屋修复费用人民币贰仟元整" in body
	assert "李调解" in body  # the mediator of the agreement session
	assert "人民调解委员会（印）" in body
	assert f"{world.session_on.year}年{world.session_on.month}月{world.session_on.day}日" in body


def test_petition_acceptance_notice(world, chinese):
	petition = frappe.get_doc("Petition", world.petition.name)
	text, size = render(world, "信访受理告知书")
	assert_common(text, size, "信访受理告知书", petition.acknowledgement_no)
	body = flat(text)
	head = world.residents[0]
	assert head.full_name in body and head.citizen_id in body
	assert petition.name in body and "反映安置房电梯长期停运问题" in body
	assert formatdate(world.reply_due) in body  # the deadline field, in the site's date format
	due = getdate(world.reply_due)
	assert f"{due.year}年{due.month}月{due.day}日" in body
	assert world.unit_village in body and "甲镇一村综治信访服务站1号窗口" in body
	assert has_translated(body, "Visit")
	assert "60日内办结" in body and "30日内" in body


@pytest.mark.parametrize("print_format", ["交办单", "督办单"])
def test_transfer_and_supervision_sheets(world, chinese, print_format):
	supervision = frappe.get_doc("Supervision", world.supervision.name)
	text, size = render(world, print_format)
	assert_common(text, size, print_format, supervision.name)
	body = flat(text)
	assert world.tree.town_a in body  # the issuing level
	assert world.unit_village in body  # the unit that handles it
	assert world.dispute.name in body and "楼上漏水致楼下房屋受损纠纷" in body
	assert "请于七日内督促双方履行调解协议" in body
	deadline = frappe.utils.get_datetime(supervision.deadline)
	assert f"{formatdate(deadline.date())}{deadline:%H:%M}" in body
	assert "王督办" in body and "李调解" in body  # issuer and responsible officer
	assert "办理情况回复" in body
	if print_format == "督办单":
		assert "■黄牌督办" in body and "□红牌督办" in body


def test_household_card(world, chinese):
	text, size = render(world, "户情卡")
	assert_common(text, size, "户情卡", world.household)
	body = flat(text)
	for person in world.residents[:3]:
		assert person.full_name in body and person.citizen_id in body
	assert "3号楼" in body and "2单元" in body and "502室" in body
	assert world.tree.village_a2 in body  # origin village
	assert world.tree.grid_a1 in body and "张网格" in body and "13909720001" in body
	assert "祁永福" in body  # building / unit head
	assert formatdate("2015-10-08") in body and formatdate("2016-05-01") in body
	assert has_translated(body, "Urban Minimum Living Allowance")
	assert has_translated(body, "Converted to Non-agricultural")
	# 户籍随房走 and the last 农转非 step (§9)
	address = frappe.db.get_value("Household", world.household, "hukou_address")
	assert address.startswith(world.tree.village_a1) and address.endswith("3号楼2单元502室")
	assert address in body and "2016年8月15日" in body and "平公户〔2016〕37号" in body
	assert has_translated(body, "Completed")
	assert has_translated(body, "Spouse")


def test_grid_roster(world, chinese):
	text, size = render(world, "网格花名册")
	assert_common(text, size, "网格花名册", world.tree.grid_a1)
	body = flat(text)
	assert "张网格" in body and "网格长" in body and "13909720001" in body
	assert "祁永福" in body
	assert world.household in body and "马文华" in body and "2单元502室" in body
	assert "1户/3人" in body
	assert "3号楼（1户）" in body


def test_risk_assessment_report(world, chinese):
	text, size = render(world, "社会稳定风险评估报告")
	assert_common(text, size, "社会稳定风险评估报告", world.assessment.name)
	body = flat(text)
	assert "幸福家园二期安置房分配方案" in body
	assert "■中风险" in body and "□高风险" in body
	assert "分配前公示方案并召开户代表会议" in body
	assert world.unit_town in body and "王督办" in body
	assert formatdate(add_days(getdate(), 30)) in body
	assert has_translated(body, "Major Decision") and has_translated(body, "Resettlement")


def test_empty_fields_print_as_blanks(world, chinese):
	"""A dispute with nothing but its subject still prints: blank lines, no "None"."""
	dispute = make_case("Dispute", world.tree.village_a1, subject="空白测试纠纷")
	world.printed.append(dispute.name)
	pdf = frappe.get_print("Dispute", dispute.name, print_format="人民调解协议书", as_pdf=True)
	text, size = pdf_text(pdf, "人民调解协议书-空白")
	assert_common(text, size, "人民调解协议书", dispute.name)
	assert "当事人申请人" in flat(text) and "年月日" in flat(text)


# ------------------------------------------------------------------ long documents keep their signatures


def lengthen(world, print_format, doc, k):
	"""Fill `doc` (in memory) with `k` units of content before its closing part; returns the closing
	content that must share a page with the signature block, and the signature block's markers."""
	if print_format == "人民调解协议书":
		doc.agreement_text = "\n".join(
			f"{i}、祁永福于本协议签订之日起{i + 2}日内完成第{i}项约定的修复工作，经马文华验收确认后视为履行完毕。"
			for i in range(1, k + 1)
		)
		return f"完成第{k}项约定", ("人民调解员（签名）", "记录人（签名）", "人民调解委员会（印）")
	if print_format == "信访受理告知书":
		doc.subject = "反映" + "安置房电梯长期停运、物业公司不予维修、老人出行困难，" * k + "请求解决"
		return "五、属于诉讼", ("（印）", "信访人签收")
	if print_format in ("交办单", "督办单"):
		doc.instruction = "\n".join(
			f"{i}. 请督促当事双方按调解协议履行第{i}项义务，并将履行情况书面报告。" for i in range(1, k + 1)
		)
		issuer = doc.issuer_jurisdiction or ("交办单位" if print_format == "交办单" else "督办单位")
		return "说明：", (f"{issuer}（印）",)
	if print_format == "户情卡":
		doc.allocation_plan = "平安县回迁安置分配方案" + "（补充说明：按原宅基地面积与家庭人口核定安置面积）" * k
		return "特殊需求", ("核对人（网格员）",)
	if print_format == "网格花名册":
		for i in range(1, k + 1):
			doc.append("workers", {"worker_name": f"网格员{i}号", "phone": f"1390972{i:04d}"})
		return "合计", ("网格员（签名）",)
	if print_format == "社会稳定风险评估报告":
		for i in range(1, k + 1):
			doc.append(
				"measures",
				{"risk_level": "Medium", "measure": f"第{i}项措施：入户走访回迁户并逐户登记意见，化解楼层分配矛盾。"},
			)
		return "六、跟踪落实", (f"{doc.handling_unit}（印）", "下次复评日期")
	raise KeyError(print_format)


def render_long(world, print_format, k):
	doctype, name = record_of(world, print_format)
	doc = frappe.get_doc(doctype, name)
	closing, signature = lengthen(world, print_format, doc, k)
	pdf = frappe.get_print(doctype, name, print_format=print_format, doc=doc, as_pdf=True)
	return pdf_pages(pdf, f"{print_format}-长"), closing, signature


def assert_signature_not_alone(pages, closing, signature, print_format, k):
	"""The signature block is on one page, the page of the content that closes the document."""
	signed = [n for n, page in enumerate(pages) if any(marker in page for marker in signature)]
	assert signed, f"{print_format} ({k}): no signature block in {pages}"
	assert len(set(signed)) == 1 and all(m in pages[signed[0]] for m in signature), (
		f"{print_format} ({k}): the signature block is split over pages {[n + 1 for n in signed]}"
	)
	assert closing in pages[signed[0]], (
		f"{print_format} ({k}): page {signed[0] + 1} holds the signature block without {closing}: "
		f"{pages[signed[0]][:300]}"
	)


@pytest.mark.parametrize("print_format", list(DOCUMENTS))
def test_a_long_document_keeps_its_signatures_with_its_last_content(world, chinese, print_format):
	"""The content grown until the document runs onto a second page: at that length (where the
	signature block would be the first thing to spill over) and the next ones, the signatures, seal
	and date stand on the page of the document's closing content, never alone."""
	checked, k, previous = {}, 1, 0

	def check(n):
		if n not in checked:
			pages, closing, signature = render_long(world, print_format, n)
			assert_signature_not_alone(pages, closing, signature, print_format, n)
			checked[n] = len(pages)
		return checked[n]

	while check(k) < 2:  # doubling, then halving to the first length that makes two pages
		previous, k = k, k * 2
		assert k <= 256, f"{print_format} never runs onto a second page"
	low, high = previous, k
	while high - low > 1:
		middle = (low + high) // 2
		low, high = (low, middle) if check(middle) >= 2 else (middle, high)
	for n in (high, high + 1):
		check(n)
	if PRINT_SCREENS:
		render_long(world, print_format, high + 1)
		stem = next(
			Path(f.relative_path).stem
			for f in read_profile(REPO)
			if any(doc.get("doctype") == "Print Format" and doc.get("name") == print_format for doc in f.docs)
		)
		page_pngs(f"{print_format}-长", stem, checked[high + 1])


# ------------------------------------------------------------------ who signs, whether it is in force, how to track


def test_the_agreement_is_signed_by_the_body_that_concluded_the_mediation(world, chinese):
	"""Mediation failed at the village, escalated, agreed at the town: the town's people's mediation
	committee seals it, the town session's mediator and recorder sign it, on that session's date, with
	the fulfilment terms; a registered committee of the town is printed by its own name."""
	tree = world.tree
	parties = [
		{"party_name": "赵某甲", "party_role": "Applicant", "satisfaction": "Satisfied"},
		{"party_name": "钱某乙", "party_role": "Respondent", "satisfaction": "Satisfied"},
	]
	dispute = act(
		make_case("Dispute", tree.village_a1, world.staff_a1, subject="宅基地边界纠纷", parties=parties),
		"Accept",
		world.staff_a1,
	)
	world.printed.append(dispute.name)
	with as_user(world.staff_a1):
		doc = frappe.get_doc("Dispute", dispute.name)
		doc.append(
			"mediation_sessions",
			{"session_on": add_to_date(now_datetime(), days=-5), "mediator": world.staff_a1, "result": "Mediation Failed"},
		)
		doc.outcome = "Mediation Failed"
		doc.save()
	dispute = act(doc, "Escalate to Town", world.staff_a1)
	agreed_on = add_to_date(now_datetime(), days=-1)
	deadline = add_days(getdate(), 15)
	with as_user(world.officer):
		doc = frappe.get_doc("Dispute", dispute.name)
		doc.append(
			"mediation_sessions",
			{"session_on": agreed_on, "mediator": world.officer, "recorder": world.grid_worker, "result": "Agreement"},
		)
		doc.update(
			{
				"outcome": "Agreement",
				"agreement_text": "一、双方以原界桩为准重新确定宅基地边界；\n二、钱某乙拆除越界围墙。",
				"fulfilment_method": "钱某乙自行拆除越界围墙，镇人民调解委员会现场确认",
				"fulfilment_deadline": deadline,
			}
		)
		doc.save()
	concluded = act(doc, "Close Case", world.officer)
	assert concluded.workflow_state == "Concluded"
	assert [row.handling_level for row in concluded.mediation_sessions] == ["Village", "Town"]

	pdf = frappe.get_print("Dispute", concluded.name, print_format="人民调解协议书", as_pdf=True)
	(page,) = pdf_pages(pdf, "人民调解协议书-镇")
	assert f"{tree.town_a}人民调解委员会（印）" in page
	assert f"{tree.village_a1}人民调解委员会" not in page
	assert "人民调解员（签名）：王督办" in page and "记录人（签名）：张网格" in page
	assert "李调解" not in page  # the village mediator of the failed session signs nothing
	assert f"{agreed_on.year}年{agreed_on.month}月{agreed_on.day}日" in page
	assert "钱某乙自行拆除越界围墙，镇人民调解委员会现场确认" in page
	assert f"履行期限：{deadline.year}年{deadline.month}月{deadline.day}日前履行完毕" in page
	assert "草稿" not in page and "未生效" not in page  # concluded with an agreement: in force

	committee = frappe.get_doc(
		{
			"doctype": "Organisation",
			"organisation_name": f"{tree.town_a}矛盾纠纷人民调解委员会",
			"org_type": "Mediation Committee",
			"jurisdiction": tree.town_a,
		}
	).insert(ignore_permissions=True)
	pdf = frappe.get_print("Dispute", concluded.name, print_format="人民调解协议书", as_pdf=True)
	assert f"{committee.organisation_name}（印）" in pdf_pages(pdf, "人民调解协议书-镇调委会")[0]


def test_agreement_sessions_recorded_before_the_level_was_kept_get_the_disputes_level(world, chinese):
	"""The patch `mediation_session_levels`: an agreement session without a level takes the dispute's
	level and unit (the level it was concluded at); a session without an agreement stays unknown, and
	the agreement prints the committee of that level."""
	from xinqu_governance.patches.v1_0 import mediation_session_levels

	dispute = make_case(
		"Dispute",
		world.tree.village_a1,
		mediation_sessions=[
			{"session_on": add_to_date(now_datetime(), days=-3), "mediator": world.staff_a1, "result": "Continued"},
			{"session_on": add_to_date(now_datetime(), days=-1), "mediator": world.officer, "result": "Agreement"},
		],
	)
	world.printed.append(dispute.name)
	frappe.db.sql(
		"update `tabMediation Session` set handling_level = null, handling_unit = null where parent = %s",
		dispute.name,
	)
	frappe.db.set_value(
		"Dispute", dispute.name, {"handling_level": "Town", "handling_unit": world.unit_town}, update_modified=False
	)
	mediation_session_levels.execute()
	rows = frappe.get_all(
		"Mediation Session",
		filters={"parent": dispute.name},
		fields=["result", "handling_level", "handling_unit"],
		order_by="idx asc",
	)
	assert [(r.result, r.handling_level, r.handling_unit) for r in rows] == [
		("Continued", None, None),
		("Agreement", "Town", world.unit_town),
	]
	(page,) = pdf_pages(
		frappe.get_print("Dispute", dispute.name, print_format="人民调解协议书", as_pdf=True), "人民调解协议书-补"
	)
	assert f"{world.tree.town_a}人民调解委员会（印）" in page and "人民调解员（签名）：王督办" in page


def marks_of(doctype, name, print_format, **in_memory):
	"""The mark printed on each page of `print_format` for the record with `in_memory` changes."""
	doc = frappe.get_doc(doctype, name)
	doc.update(in_memory)
	pdf = frappe.get_print(doctype, name, print_format=print_format, doc=doc, as_pdf=True)
	pages = pdf_pages(pdf, f"{print_format}-标记")
	return [("草稿" if "草稿" in page else "") + ("未生效" if "未生效" in page else "") for page in pages]


def test_documents_of_cases_not_in_force_are_marked_across_every_page(world, chinese):
	dispute, petition, assessment = world.dispute.name, world.petition.name, world.assessment.name
	# a new dispute (first workflow state), over two pages: 草稿 on each
	doc = frappe.get_doc("Dispute", dispute)
	lengthen(world, "人民调解协议书", doc, 24)
	pages = pdf_pages(
		frappe.get_print("Dispute", dispute, print_format="人民调解协议书", doc=doc, as_pdf=True), "人民调解协议书-草稿"
	)
	assert len(pages) >= 2 and all("草稿" in page for page in pages)
	assert marks_of("Dispute", dispute, "人民调解协议书", workflow_state="Mediation at Town") == ["未生效"]
	concluded = {"workflow_state": "Concluded", "closed_on": now_datetime(), "outcome": "Agreement"}
	assert marks_of("Dispute", dispute, "人民调解协议书", **concluded) == [""]
	assert marks_of("Dispute", dispute, "人民调解协议书", **{**concluded, "outcome": "Mediation Failed"}) == [
		"未生效"
	]
	assert marks_of("Dispute", dispute, "人民调解协议书", **concluded, is_withdrawn=1) == ["未生效"]
	# the acceptance notice is in force once the petition is accepted
	assert marks_of("Petition", petition, "信访受理告知书") == [""]
	assert marks_of("Petition", petition, "信访受理告知书", accepted_on=None, workflow_state="Registered") == ["草稿"]
	# the risk assessment report once the assessment is approved
	assert marks_of("Stability Risk Assessment", assessment, "社会稳定风险评估报告") == ["草稿"]
	assert marks_of(
		"Stability Risk Assessment", assessment, "社会稳定风险评估报告", workflow_state="Under Review"
	) == ["未生效"]
	assert marks_of(
		"Stability Risk Assessment", assessment, "社会稳定风险评估报告", workflow_state="Approved", is_approved=1
	) == [""]
	# documents of records that are not cases are never marked
	assert marks_of("Household", world.household, "户情卡") == [""]
	assert marks_of("Supervision", world.supervision.name, "督办单") == [""]


def test_the_acceptance_notice_prints_the_code_the_track_page_takes(world, chinese, live_server):
	"""The notice prints the petition's tracking code as the portal shows it (a window petition has one
	too, `portal/case_tracking.py`) and sends the petitioner to the site's /petition/track, where that
	very text finds the petition."""
	from xinqu_governance.portal.case_tracking import tracking_code_of

	from tests.case_factories import clear_portal_rate_limits

	petition = world.petition.name
	printed = tracking_code_of("Petition", petition)
	assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", printed)
	(page,) = pdf_pages(
		frappe.get_print("Petition", petition, print_format="信访受理告知书", as_pdf=True), "告知书-查询码"
	)
	assert f"查询码{printed}" in page
	assert f"{frappe.utils.get_url('/petition/track')}（“查询进度”），输入查询码{printed}，查询办理进度" in page
	clear_portal_rate_limits()
	response = requests.get(f"{live_server}/petition/track", params={"code": printed}, timeout=60)
	assert response.status_code == 200
	assert 'id="progress-case"' in response.text and petition in response.text


@pytest.mark.parametrize("print_format", list(DOCUMENTS))
def test_download_over_http_is_scoped_to_the_village(world, http_login, live_server, print_format):
	doctype, name = record_of(world, print_format)
	url = f"{live_server}/api/method/frappe.utils.print_format.download_pdf"
	params = {"doctype": doctype, "name": name, "format": print_format}

	allowed = http_login(world.staff_a1, PASSWORD).get(url, params=params, timeout=120)
	assert allowed.status_code == 200, allowed.text[:500]
	assert allowed.headers["Content-Type"].startswith("application/pdf")
	text, size = pdf_text(allowed.content, f"http-{print_format}")
	assert size == "595 x 842"
	assert flat(TITLES[print_format]) in flat(text)

	refused = http_login(world.staff_b1, PASSWORD).get(url, params=params, timeout=120)
	assert refused.status_code == 403, refused.status_code
	assert not refused.content.startswith(b"%PDF")


# ------------------------------------------------------------------ hostile values (kept last: they touch the world)

TEXT_TYPES = {"Data", "Small Text", "Text", "Long Text", "Text Editor", "Read Only", "Phone", "Code"}
RAW_TAG = re.compile(r"<u>|<img src=//127|<img src=\"http://127", re.I)


def make_world_hostile(world) -> None:
	"""In this transaction (rolled back after the test), every text column of every record of the
	world's tree and of every app DocType's child rows under them reads as an HTML tag (as long as the
	column allows), and so do the world users' names."""
	nodes = frappe.get_all(
		"Jurisdiction",
		filters={
			"lft": (">=", frappe.db.get_value("Jurisdiction", world.tree.city, "lft")),
			"rgt": ("<=", frappe.db.get_value("Jurisdiction", world.tree.city, "rgt")),
		},
		pluck="name",
	)
	doctypes = frappe.get_all("DocType", filters={"module": ["in", list(app_modules())]}, pluck="name")
	parents = {}
	for doctype in doctypes:
		meta = frappe.get_meta(doctype)
		if meta.istable or meta.issingle:
			continue
		key = "name" if doctype == "Jurisdiction" else "jurisdiction"
		if not meta.has_field(key) and key != "name":
			continue
		parents[doctype] = frappe.get_all(doctype, filters={key: ("in", nodes)}, pluck="name")
	for doctype in doctypes:
		meta = frappe.get_meta(doctype)
		if meta.issingle:
			continue
		if meta.istable:
			names = frappe.get_all(
				doctype,
				filters={"parent": ("in", [n for ns in parents.values() for n in ns] or [""])},
				pluck="name",
			)
		else:
			names = parents.get(doctype) or []
		if not names:
			continue
		for df in meta.fields:
			if df.fieldtype not in TEXT_TYPES or df.fieldname not in frappe.db.get_table_columns(doctype):
				continue
			length = df.length or (140 if df.fieldtype in ("Data", "Phone", "Read Only") else 2000)
			frappe.db.sql(
				f"update `tab{doctype}` set `{df.fieldname}` = left(concat('<u>', md5(concat(name, %s)),"
				" '<img src=//127.0.0.1:9/xq>'), %s) where name in %s",
				(df.fieldname, length, names),
			)
	for user in world.users:
		frappe.db.set_value(
			"User", user, "full_name", '<img src="http://127.0.0.1:9/xq">', update_modified=False
		)


def hostile_in_memory(doc):
	"""The document with every text and link field (and its name) set to an HTML tag, child rows too."""
	for row in [doc, *doc.get_all_children()]:
		for df in row.meta.fields:
			if df.fieldtype in (*TEXT_TYPES, "Dynamic Link") or (
				df.fieldtype == "Link" and df.options != "DocType"
			):
				row.set(df.fieldname, f'<img src="http://127.0.0.1:9/{df.fieldname}">')
	doc.name = '<img src="http://127.0.0.1:9/name">'
	return doc


def format_body(doc, print_format) -> str:
	"""The print format's own output for `doc` (without the print view's page around it)."""
	from frappe.www.printview import get_rendered_template

	return get_rendered_template(
		doc, print_format=frappe.get_doc("Print Format", print_format), no_letterhead=1
	)


def assert_no_raw_tag(html: str) -> None:
	found = RAW_TAG.search(html)
	assert not found, html[max(0, found.start() - 300) : found.end() + 100]


@pytest.mark.parametrize("print_format", list(DOCUMENTS))
def test_every_value_is_escaped(world, print_format):
	doctype, name = record_of(world, print_format)
	try:
		make_world_hostile(world)
		html = format_body(frappe.get_doc(doctype, name), print_format)
		assert "&lt;u&gt;" in html, "the hostile values did not reach the document"
		assert_no_raw_tag(html)

		html = format_body(hostile_in_memory(frappe.get_doc(doctype, name)), print_format)
		assert "&lt;img" in html
		assert_no_raw_tag(html)
	finally:
		frappe.db.rollback()
		frappe.clear_document_cache(doctype, name)


def test_a_hostile_petitioner_name_makes_the_pdf_engine_fetch_nothing(world):
	"""The SSRF of issue 8: a guest's name `<img src=http://…>` printed on the acceptance notice."""
	import http.server
	import threading

	seen = []

	class Recorder(http.server.BaseHTTPRequestHandler):
		def do_GET(self):
			seen.append(self.path)
			self.send_response(204)
			self.end_headers()

		def log_message(self, *args):
			pass

	server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
	threading.Thread(target=server.serve_forever, daemon=True).start()
	try:
		name = world.petition.name
		hostile = f'<img src="http://127.0.0.1:{server.server_address[1]}/ssrf">'
		frappe.db.set_value("Petition", name, "petitioner_name", hostile, update_modified=False)
		pdf = frappe.get_print("Petition", name, print_format="信访受理告知书", as_pdf=True)
		assert pdf[:5] == b"%PDF-"
		text, _size = pdf_text(pdf, "信访受理告知书-hostile")
		assert "<img" in text  # printed as text
		assert seen == []
	finally:
		server.shutdown()
		server.server_close()
		frappe.db.rollback()
		frappe.clear_document_cache("Petition", world.petition.name)
