"""Spreadsheet import of households and residents: per-row errors, all-or-nothing households,
set-based writes, idempotent re-runs, xlsx and csv with Chinese headers."""

import csv
import io
from pathlib import Path

import frappe
import pytest
from xinqu_governance.registry import import_writer, importer

from tests.factories import (
    citizen_ids,
    make_building,
    make_compound,
    make_jurisdiction_tree,
    make_resident,
    make_user_at,
    purge_registry,
    purge_tree,
)

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "import_samples"
HEADER = [
    "户编号",
    "与户主关系",
    "姓名",
    "身份证号",
    "民族",
    "宗教信仰",
    "联系电话",
    "户口类型",
    "流动人口",
    "特殊人群",
    "原籍村",
    "安置小区",
    "楼栋",
    "单元",
    "房号",
    "分房日期",
    "入住日期",
    "户籍状态",
    "低保状态",
    "网格",
    "所属村(社区)",
]


@pytest.fixture
def world():
    """A committed tree with one compound (building 1: multi-storey, 2 units x 2 floors x 2 doors)."""
    tree = make_jurisdiction_tree()
    compound = make_compound(tree.village_a1)
    building = make_building(
        compound, "1", "Multi-storey", floors=2, units=2, per_floor=2
    )
    frappe.db.commit()
    world = frappe._dict(tree=tree, compound=compound, building=building, users=[])
    yield world
    frappe.db.rollback()
    purge_registry(tree)
    purge_tree(tree, users=world.users)


def person(
    code,
    relation,
    name,
    number,
    village,
    compound="",
    building="",
    unit="",
    room="",
    **extra,
):
    row = {h: "" for h in HEADER}
    row.update(
        {
            "户编号": code,
            "与户主关系": relation,
            "姓名": name,
            "身份证号": number,
            "民族": "回族",
            "宗教信仰": "伊斯兰教",
            "户口类型": "农业",
            "流动人口": "否",
            "原籍村": village,
            "安置小区": compound,
            "楼栋": building,
            "单元": unit,
            "房号": room,
            "分房日期": "2014-10-01" if room else "",
            "户籍状态": "农业",
            "低保状态": "无",
        }
    )
    row.update(extra)
    return row


def mixed_rows(world):
    t = world.tree
    ids = citizen_ids(9)
    bad_checksum = ids[3][:17] + ("1" if ids[3][17] != "1" else "2")
    code = frappe.generate_hash(length=6)
    c = world.compound
    rows = [
        # row 2-4: household A, good, in dwelling 1-101
        person(
            f"A{code}",
            "户主",
            "马建国",
            ids[0],
            t.village_a1,
            c,
            "1",
            "1",
            "101",
            联系电话="13912345678",
            入住日期="2014-12-01",
        ),
        person(
            f"A{code}",
            "配偶",
            "马秀英",
            ids[1].lower(),
            t.village_a1,
            特殊人群="残疾人",
        ),
        person(f"A{code}", "子", "马小东", ids[2], t.village_a1),
        # row 5-6: household B, bad checksum in row 6 -> whole household rejected
        person(f"B{code}", "户主", "韩占元", ids[4], t.village_a1, c, "1", "2", "201"),
        person(f"B{code}", "女", "韩玉兰", bad_checksum, t.village_a1),
        # row 7: household C, unknown village and a non-integer unit
        person(f"C{code}", "户主", "李平安", ids[5], "不存在村", c, "1", "二", "101"),
        # row 8-9: household D, good, no dwelling, placed in a grid
        person(
            f"D{code}",
            "户主",
            "祁德明",
            ids[6],
            t.village_a1,
            网格=t.grid_a1,
            民族="土族",
            宗教信仰="藏传佛教",
        ),
        person(
            f"D{code}", "父亲", "祁海生", ids[7], t.village_a1, 联系电话="0972-8613552"
        ),
        # row 10: household E, no head, bad phone and a birth date that does not exist
        person(
            f"E{code}",
            "配偶",
            "王桂芳",
            "632121198002300021",
            t.village_a1,
            联系电话="12345",
        ),
    ]
    return rows, code, ids


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row[h] for h in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_by_row(result):
    return {e["row"]: e["reason"] for e in result["errors"]}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_mixed_file_reports_exact_rows_and_imports_good_households(world, kind):
    rows, code, ids = mixed_rows(world)
    content = to_csv(rows) if kind == "csv" else to_xlsx(rows)
    result = importer.import_content(content, f"households.{kind}")

    errors = errors_by_row(result)
    assert sorted(errors) == [5, 6, 7, 10]
    assert "checksum" in errors[6]
    assert (
        f"B{code}" in errors[5] and "6" in errors[5]
    )  # the good row of a bad household: skipped
    assert "不存在村" in errors[7] and "二" in errors[7]
    assert "Head" in errors[10] and "12345" in errors[10] and "19800230" in errors[10]
    assert result["households_created"] == 2
    assert result["residents_created"] == 5

    a = frappe.get_doc("Household", f"A{code}")
    assert a.member_count == 3 and len(a.members) == 3
    assert [m.relation for m in a.members] == ["Head", "Spouse", "Son"]
    assert a.dwelling == f"{world.building}-1-101"
    assert a.transition_status == "Moved In"
    assert a.jurisdiction == world.tree.village_a1
    assert frappe.db.get_value(
        "Dwelling", a.dwelling, ["household", "allocation_status"]
    ) == (
        a.name,
        "Occupied",
    )
    spouse = frappe.get_doc("Resident", {"citizen_id": ids[1].upper()})
    assert (spouse.sex, spouse.ethnicity, spouse.religion) == (
        "Female" if int(ids[1][16]) % 2 == 0 else "Male",
        "Hui",
        "Islam",
    )
    assert [g.special_group for g in spouse.special_groups] == [
        "Person with Disability"
    ]
    assert spouse.household == a.name

    d = frappe.get_doc("Household", f"D{code}")
    assert (d.grid, d.jurisdiction) == (world.tree.grid_a1, world.tree.grid_a1)
    assert (
        frappe.db.get_value("Resident", {"citizen_id": ids[7]}, "phone")
        == "0972-8613552"
    )
    assert not frappe.db.exists("Household", f"B{code}")
    assert not frappe.db.exists(
        "Resident", {"citizen_id": ids[4]}
    )  # B's good row was not half-written
    assert not frappe.db.exists("Household", f"C{code}")


def test_reimport_creates_no_duplicates_and_updates_only_changes(world):
    rows, code, ids = mixed_rows(world)
    first = importer.import_content(to_csv(rows), "households.csv")
    counts = (
        frappe.db.count("Resident"),
        frappe.db.count("Household"),
        frappe.db.count("Household Member"),
        frappe.db.count("Resident Special Group"),
    )
    second = importer.import_content(to_csv(rows), "households.csv")
    assert (
        frappe.db.count("Resident"),
        frappe.db.count("Household"),
        frappe.db.count("Household Member"),
        frappe.db.count("Resident Special Group"),
    ) == counts
    assert second["residents_created"] == second["households_created"] == 0
    assert second["residents_unchanged"] == first["residents_created"] == 5
    assert second.get("residents_updated", 0) == 0
    assert sorted(errors_by_row(second)) == sorted(errors_by_row(first))

    rows[0]["联系电话"] = "13700000000"
    third = importer.import_content(to_xlsx(rows), "households.xlsx", confirm=True)
    assert third["residents_updated"] == 1 and third["residents_unchanged"] == 4
    assert (
        frappe.db.get_value("Resident", {"citizen_id": ids[0]}, "phone")
        == "13700000000"
    )
    assert frappe.db.get_value("Household", f"A{code}", "head_phone") == "13700000000"


def test_a_resident_moving_households_leaves_the_old_one(world):
    rows, code, ids = mixed_rows(world)
    importer.import_content(to_csv(rows), "households.csv")
    moved = [dict(rows[2], 户编号=f"D{code}", 与户主关系="孙子"), *rows[6:8]]
    result = importer.import_content(to_csv(moved), "households.csv", confirm=True)
    assert not result["errors"]
    assert frappe.db.get_value("Household", f"A{code}", "member_count") == 2
    son = frappe.db.get_value(
        "Resident", {"citizen_id": ids[2]}, ["household", "grid"], as_dict=True
    )
    assert (son.household, son.grid) == (f"D{code}", world.tree.grid_a1)
    assert (
        frappe.db.count(
            "Household Member",
            {"resident": frappe.db.get_value("Resident", {"citizen_id": ids[2]})},
        )
        == 1
    )


def test_nothing_is_half_written_when_a_chunk_fails(world, monkeypatch):
    rows, code, ids = mixed_rows(world)
    good, _report = importer.validate_rows(
        *importer.rows_from_table([HEADER] + [[r[h] for h in HEADER] for r in rows]),
        "Administrator",
    )
    assert [g["household"]["household_code"] for g in good] == [f"A{code}", f"D{code}"]
    real_insert = import_writer.insert_rows

    def failing_insert(doctype, rows, **kwargs):
        if doctype == "Household Member" and rows and rows[0]["parent"] == f"D{code}":
            raise RuntimeError("disk full")
        return real_insert(doctype, rows, **kwargs)

    monkeypatch.setattr(import_writer, "insert_rows", failing_insert)
    with pytest.raises(RuntimeError):
        importer.write_groups(good, chunk_households=1)
    frappe.db.rollback()
    assert frappe.db.exists("Household", f"A{code}")  # its chunk was committed
    assert not frappe.db.exists("Household", f"D{code}")
    assert not frappe.db.exists("Resident", {"citizen_id": ids[6]})
    assert not frappe.db.exists("Resident", {"citizen_id": ids[7]})


def test_rows_of_other_towns_are_refused_for_a_village_user(world):
    t = world.tree
    number = citizen_ids()[0]
    make_resident(t.village_b1, citizen_id=number)
    user = make_user_at("Village Staff", t.village_a1, password=None)
    world.users.append(user)
    frappe.db.commit()
    code = frappe.generate_hash(length=6)
    rows = [
        person(f"F{code}", "户主", "张三", number, t.village_a1),
        person(
            f"G{code}",
            "户主",
            "李四",
            citizen_ids()[0],
            t.village_b1,
            所属村="",
            网格=t.grid_b1,
        ),
        person(
            f"H{code}",
            "户主",
            "王五",
            citizen_ids()[0],
            t.village_a1,
            所属村=t.village_a1,
        ),
    ]
    for row in rows:
        row["所属村(社区)"] = (
            row.pop("所属村", row["所属村(社区)"]) or row["所属村(社区)"]
        )
    rows[0]["所属村(社区)"] = t.village_a1
    frappe.set_user(user)
    result = importer.import_content(to_csv(rows), "households.csv")
    errors = errors_by_row(result)
    assert sorted(errors) == [2, 3]
    assert t.town_b in errors[2] and t.village_b1 not in errors[2]
    assert t.grid_b1 in errors[3]
    assert result["households_created"] == 1


@pytest.mark.parametrize("kind", ["csv", "gb18030.csv", "xlsx"])
def test_whitelisted_import_of_an_uploaded_file(world, kind):
    """The uploaded file is read as bytes: newer Frappe decodes a File's text content, trying
    windows-1250 after UTF-8, which turns a GB18030 csv (as Excel saves it in China) into mojibake."""
    rows, code, _ids = mixed_rows(world)
    if kind == "xlsx":
        content = to_xlsx(rows)
    elif kind == "gb18030.csv":
        content = to_csv(rows).decode("utf-8-sig").encode("gb18030")
    else:
        content = to_csv(rows)
    extension = kind.rsplit(".", 1)[-1]
    file = frappe.get_doc(
        {
            "doctype": "File",
            "file_name": f"hh-{code}.{extension}",
            "content": content,
            "is_private": 1,
        }
    ).insert()
    try:
        result = importer.import_registry_file(file.file_url, dry_run=1)
        assert sorted(errors_by_row(result)) == [5, 6, 7, 10]
        assert not frappe.db.exists("Household", f"A{code}")  # dry run
        result = importer.import_registry_file(file.file_url)
        assert frappe.db.exists("Household", f"A{code}")
    finally:
        file.delete()
        frappe.db.commit()


def test_missing_required_columns_are_reported():
    with pytest.raises(importer.ImportFileError):
        importer.import_content("姓名,民族\n张三,汉族\n".encode(), "bad.csv")
    with pytest.raises(importer.ImportFileError):
        importer.import_content(b"whatever", "households.pdf")


@pytest.mark.parametrize("name", ["households_sample.csv", "households_sample.xlsx"])
def test_shipped_samples_report_their_bad_rows(name):
    """The profile's samples (for the demo site): the format errors sit in the documented rows."""
    content = (SAMPLES / name).read_bytes()
    rows, columns = importer.rows_from_table(importer.read_table(content, name))
    _good, report = importer.validate_rows(rows, columns, "Administrator")
    reasons = {e["row"]: e["reason"] for e in report}
    assert "checksum" in reasons[11]
    assert "二" in reasons[12]
    assert "Head" in reasons[13]
    assert "13" in reasons[14] or "19800230" in reasons[14]


def test_child_row_names_never_collide_even_on_a_frozen_clock(monkeypatch):
    """Random 40-bit child names collided about once per 50k-household import (no retry in the bulk
    path); the counter makes names unique within a process whatever the clock and random part do."""
    from xinqu_governance.registry import bulk

    monkeypatch.setattr(bulk.time, "time_ns", lambda: 1_764_000_000_000_000_000)
    monkeypatch.setattr(bulk.frappe, "generate_hash", lambda length=10: "0" * length)
    names = [bulk.new_child_name() for _ in range(200_000)]
    assert len(set(names)) == len(names)
    assert max(len(name) for name in names) <= 140


# ------------------------------------------------------------------ values that do not fit, existing people


def test_values_that_do_not_fit_are_row_errors_and_good_rows_are_written(world):
    t = world.tree
    ids = citizen_ids(4)
    code = frappe.generate_hash(length=6)
    rows = [
        person(
            f"L{code}", "户主", "长" * 300, ids[0], t.village_a1, 所属村=t.village_a1
        ),
        person(
            f"P{code}",
            "户主",
            "马平",
            ids[1],
            t.village_a1,
            流动人口="是",
            来自何地="某" * 500,
        ),
        person(f"K{code}", "户主", "马\x07控", ids[2], t.village_a1),
        person(f"G{code}", "户主", "马好", ids[3], t.village_a1),
    ]
    for row in rows:
        row["所属村(社区)"] = t.village_a1
    header = [*HEADER, "来自何地"]
    table = [header] + [[row.get(h, "") for h in header] for row in rows]
    result = importer.import_rows(*importer.rows_from_table(table))
    errors = errors_by_row(result)
    assert sorted(errors) == [2, 3, 4]
    assert "300" in errors[2] and "140" in errors[2]
    assert "500" in errors[3] and "来自何地" in errors[3]
    assert "control characters" in errors[4]
    assert result["households_created"] == 1
    assert frappe.db.exists("Household", f"G{code}")
    assert not frappe.db.exists("Resident", {"citizen_id": ("in", ids[:3])})


def test_a_date_in_a_text_column_is_a_row_error(world):
    t = world.tree
    code = frappe.generate_hash(length=6)
    row = person(f"T{code}", "户主", "马日", citizen_ids()[0], t.village_a1)
    row["所属村(社区)"] = t.village_a1
    table = [HEADER, [row[h] for h in HEADER]]
    table[1][HEADER.index("姓名")] = __import__("datetime").datetime(2020, 1, 1)
    result = importer.import_rows(*importer.rows_from_table(table))
    assert "not text" in errors_by_row(result)[2]
    assert result["households_created"] == 0


def test_a_row_that_changes_an_existing_person_waits_for_confirmation(world):
    t = world.tree
    rows, code, ids = mixed_rows(world)
    importer.import_content(to_csv(rows), "households.csv")
    before = frappe.db.get_value(
        "Resident",
        {"citizen_id": ids[2]},
        ["name", "full_name", "household"],
        as_dict=True,
    )
    renamed = dict(rows[2], 户编号=f"D{code}", 与户主关系="孙子", 姓名="马改名")
    new_code = frappe.generate_hash(length=6)
    newcomer = person(f"N{new_code}", "户主", "新户主", citizen_ids()[0], t.village_a1)
    newcomer["所属村(社区)"] = t.village_a1
    file = to_csv([renamed, *rows[6:8], newcomer])

    result = importer.import_content(file, "households.csv")
    assert not result["errors"]
    [change] = result["changes"]
    assert change["row"] == 2 and change["resident"] == before.name
    assert change["fields"]["full_name"] == {"from": "马小东", "to": "马改名"}
    assert change["fields"]["household"] == {"from": f"A{code}", "to": f"D{code}"}
    assert result["households_pending"] == 1
    assert frappe.db.get_value("Resident", before.name, ["full_name", "household"]) == (
        "马小东",
        f"A{code}",
    )
    assert frappe.db.exists(
        "Household", f"N{new_code}"
    )  # the household without changes is written

    result = importer.import_content(file, "households.csv", confirm=True)
    assert result["households_pending"] == 0 and result["residents_updated"] == 1
    assert frappe.db.get_value("Resident", before.name, ["full_name", "household"]) == (
        "马改名",
        f"D{code}",
    )


def test_an_imported_household_takes_its_dwellings_address_as_hukou_address(world):
    t = world.tree
    code = frappe.generate_hash(length=6)
    row = person(
        f"H{code}",
        "户主",
        "马户籍",
        citizen_ids()[0],
        t.village_a1,
        world.compound,
        "1",
        "2",
        "201",
    )
    table = [HEADER, [row[h] for h in HEADER]]
    result = importer.import_rows(*importer.rows_from_table(table))
    assert result["households_created"] == 1, result["errors"]
    expected = f"{t.village_a1}{world.compound}1号楼2单元201室"
    assert frappe.db.get_value("Household", f"H{code}", "hukou_address") == expected
    # 户籍随房走 in the bulk path too: a second import moving the household moves the address
    row.update({"单元": "1", "房号": "101"})
    table = [HEADER, [row[h] for h in HEADER]]
    importer.import_rows(*importer.rows_from_table(table), confirm=True)
    assert frappe.db.get_value("Household", f"H{code}", "hukou_address") == (
        f"{t.village_a1}{world.compound}1号楼1单元101室"
    )


# ------------------------------------------------------------------ streaming: order, chunks, memory, crashes


def write_csv_file(path, rows) -> None:
    """A csv file on disk written row by row (the rows may be a generator)."""
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


def family_rows(village, households: int, code: str, numbers=None):
    """``households`` households of three (head, spouse, son) placed in ``village``. The ID numbers
    (``numbers``, an iterator, for files that must not share one) are drawn in one call, so they
    differ across the file (drawn per household, two of 1 800 met about one run in ten)."""
    numbers = numbers or iter(citizen_ids(3 * households))
    for n in range(households):
        for relation, name in zip(("户主", "配偶", "子"), ("马一", "马二", "马三"), strict=True):
            number = next(numbers)
            yield person(
                f"{code}-{n:05d}",
                relation,
                name,
                number,
                village,
                **{"所属村(社区)": village},
            )


def test_a_households_rows_may_be_apart_in_the_file(world):
    """Rows of one household scattered between others (a sheet sorted by name) are imported together,
    in their order; a bad row of a scattered household rejects all of its rows, wherever they are."""
    t = world.tree
    ids = citizen_ids(6)
    code = frappe.generate_hash(length=6)
    place = {"所属村(社区)": t.village_a1}
    rows = [
        person(f"A{code}", "户主", "马甲", ids[0], t.village_a1, **place),  # row 2
        person(f"B{code}", "户主", "韩乙", ids[1], t.village_a1, **place),  # row 3
        person(f"A{code}", "子", "马丙", ids[2], t.village_a1, **place),  # row 4
        person(f"C{code}", "户主", "李丁", ids[3], t.village_a1, **place),  # row 5
        person(
            f"B{code}",
            "女",
            "韩戊",
            ids[4][:17] + ("1" if ids[4][17] != "1" else "2"),
            t.village_a1,
        ),  # row 6
        person(f"A{code}", "配偶", "马己", ids[5], t.village_a1, **place),  # row 7
    ]
    result = importer.import_content(to_csv(rows), "households.csv", chunk_households=1)
    errors = errors_by_row(result)
    assert sorted(errors) == [3, 6]
    assert "checksum" in errors[6] and "6" in errors[3] and f"B{code}" in errors[3]
    assert result["households_created"] == 2 and result["residents_created"] == 4
    a = frappe.get_doc("Household", f"A{code}")
    assert [(m.full_name, m.relation) for m in a.members] == [
        ("马甲", "Head"),
        ("马丙", "Son"),
        ("马己", "Spouse"),
    ]
    assert a.member_count == 3
    assert not frappe.db.exists("Resident", {"citizen_id": ids[1]})


def test_checks_across_chunks_see_the_whole_file(world):
    """With one household per chunk, a citizen ID number repeated in a later household and a dwelling
    given to two households are still found (the earlier household is already written by then)."""
    t = world.tree
    c = world.compound
    ids = citizen_ids(4)
    code = frappe.generate_hash(length=6)
    rows = [
        person(
            f"A{code}", "户主", "马甲", ids[0], t.village_a1, c, "1", "1", "101"
        ),  # row 2
        person(
            f"B{code}", "户主", "韩乙", ids[1], t.village_a1, c, "1", "1", "101"
        ),  # row 3: same dwelling
        person(
            f"C{code}", "户主", "李丙", ids[2], t.village_a1, c, "1", "1", "102"
        ),  # row 4
        person(f"C{code}", "子", "李丁", ids[0], t.village_a1),  # row 5: A's head again
        person(
            f"D{code}", "户主", "祁戊", ids[3], t.village_a1, c, "1", "2", "201"
        ),  # row 6
    ]
    result = importer.import_content(to_csv(rows), "households.csv", chunk_households=1)
    errors = errors_by_row(result)
    assert sorted(errors) == [3, 4, 5]
    assert f"also given to household A{code}" in errors[3]
    assert "already appears in row 2" in errors[5]
    assert [
        result[k]
        for k in ("households_created", "residents_created", "households_valid")
    ] == [2, 2, 2]
    assert (
        frappe.db.get_value("Dwelling", f"{world.building}-1-101", "household")
        == f"A{code}"
    )
    again = importer.import_content(to_csv(rows), "households.csv", chunk_households=1)
    assert errors_by_row(again) == errors
    assert again["households_unchanged"] == 2 and again["households_created"] == 0


def test_import_memory_does_not_grow_with_the_file(world, tmp_path):
    """The import holds one chunk of households, not the file: the Python heap's peak (tracemalloc,
    which counts allocations and does not depend on timing or load) while importing a file of 4N rows
    stays within 1.5x of the peak for N rows. Holding every row, as the import once did (~4 KiB a row),
    makes it about 3x at these sizes."""
    import tracemalloc

    village = world.tree.village_a1
    code = frappe.generate_hash(length=5)
    files, sizes = {}, (("warm-up", 5), ("n", 150), ("4n", 600))
    numbers = iter(citizen_ids(3 * sum(households for _name, households in sizes)))
    for name, households in sizes:
        files[name] = tmp_path / f"{name}.csv"
        write_csv_file(files[name], family_rows(village, households, f"{code}{name}", numbers))

    def peak_while_importing(path):
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = importer.import_file(
            str(path), user="Administrator", chunk_households=25
        )
        assert not result["errors"], result["errors"][:3]
        return tracemalloc.get_traced_memory()[1] - before, result

    tracemalloc.start()
    try:
        peak_while_importing(
            files["warm-up"]
        )  # the caches an import fills once (meta, options)
        peak_n, result_n = peak_while_importing(files["n"])
        peak_4n, result_4n = peak_while_importing(files["4n"])
    finally:
        tracemalloc.stop()
    assert (result_n["residents_created"], result_4n["residents_created"]) == (
        450,
        1800,
    )
    assert result_4n["households_created"] == 600
    assert peak_4n < 1.5 * peak_n, (peak_n, peak_4n)


KILLED_IMPORT = """
import os, signal, sys
from xinqu_runtime import site
from pathlib import Path
frappe = site.connect(Path(sys.argv[1]))
from xinqu_governance.registry import import_writer, importer
write_households = import_writer._ChunkWrite.write_households
chunks = []
def dying(self):
	chunks.append(self)
	if len(chunks) == 3:  # the third chunk's residents are inserted, its households not yet
		os.kill(os.getpid(), signal.SIGKILL)
	return write_households(self)
import_writer._ChunkWrite.write_households = dying
importer.import_file(sys.argv[2], user="Administrator", chunk_households=1)
"""


def test_a_killed_import_leaves_whole_households_and_a_rerun_completes_it(
    world, tmp_path
):
    """kill -9 in the middle of the third chunk: the two committed chunks are whole households, the
    third left nothing; importing the file again writes the rest, with no duplicates."""
    import subprocess
    import sys

    from tests.frappe_site import SITE_DIR

    village = world.tree.village_a1
    code = frappe.generate_hash(length=6)
    path = tmp_path / "households.csv"
    write_csv_file(path, family_rows(village, 5, code))
    households = [f"{code}-{n:05d}" for n in range(5)]
    frappe.db.commit()
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, str(SITE_DIR), str(path)],
        check=False,
        capture_output=True,
        timeout=240,
    )
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]

    frappe.db.rollback()  # a fresh snapshot
    assert [frappe.db.exists("Household", h) is not None for h in households] == [
        True,
        True,
    ] + [False] * 3
    R = frappe.qb.DocType("Resident")
    written = (
        frappe.qb.from_(R)
        .select(R.household)
        .where(R.jurisdiction == village)
        .run(pluck=True)
    )
    assert sorted(written) == sorted(
        households[:2] * 3
    )  # the third chunk's residents were rolled back
    for household in households[:2]:
        assert frappe.db.get_value("Household", household, "member_count") == 3
        assert frappe.db.count("Household Member", {"parent": household}) == 3

    result = importer.import_file(str(path), user="Administrator", chunk_households=1)
    assert not result["errors"]
    assert (result["households_created"], result["households_unchanged"]) == (3, 2)
    assert (result["residents_created"], result["residents_unchanged"]) == (9, 6)
    assert frappe.db.count("Resident", {"jurisdiction": village}) == 15
    assert frappe.db.count("Household Member", {"parent": ["in", households]}) == 15
