"""GB 11643 citizen identity numbers: registry/citizen_id.py is pure Python (no database)."""

import datetime

import pytest
from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.citizen_id import (
	CitizenIDError,
	compute_check_character,
	make_citizen_id,
	parse,
)

# The example of the standard itself (GB 11643-1999, appendix): Beijing Chaoyang, 1949-12-31, female.
STANDARD_EXAMPLE = "11010519491231002X"


def test_standard_example_is_valid_and_derives_birth_date_and_sex():
	parsed = parse(STANDARD_EXAMPLE)
	assert parsed.number == STANDARD_EXAMPLE
	assert parsed.birth_date == datetime.date(1949, 12, 31)
	assert parsed.sex == "Female"  # 17th digit 2 is even
	assert parsed.region_code == "110105"
	assert parsed.province_code == "11"


@pytest.mark.parametrize(
	"first17, check",
	[
		("11010519491231002", "X"),
		("63212119800101001", compute_check_character("63212119800101001")),
		("44052419800101001", "3"),  # by hand: sum 196, 196 % 11 = 9 -> "3"
	],
)
def test_check_character_iso_7064_mod_11_2(first17, check):
	# weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, then "10X98765432"[sum % 11]
	total = sum(int(d) * w for d, w in zip(first17, citizen_id.WEIGHTS, strict=True))
	assert compute_check_character(first17) == "10X98765432"[total % 11] == check


def test_odd_17th_digit_is_male():
	number = make_citizen_id("632121", datetime.date(1980, 5, 17), 13)
	assert parse(number).sex == "Male"
	assert parse(number).birth_date == datetime.date(1980, 5, 17)


def test_bad_checksum_is_refused():
	good = make_citizen_id("632121", datetime.date(1975, 2, 28), 24)
	wrong = good[:17] + ("0" if good[17] != "0" else "1")
	with pytest.raises(CitizenIDError) as info:
		parse(wrong)
	assert info.value.reason == "checksum"


@pytest.mark.parametrize(
	"birth, reason",
	[
		("19800230", "birth_date"),  # 30 February
		("19801301", "birth_date"),  # month 13
		("18991231", "birth_date"),  # before 1900
	],
)
def test_impossible_birth_date_is_refused(birth, reason):
	first17 = f"632121{birth}123"
	with pytest.raises(CitizenIDError) as info:
		parse(first17 + compute_check_character(first17))
	assert info.value.reason == reason


def test_birth_date_in_the_future_is_refused():
	today = datetime.date(2015, 1, 9)
	number = make_citizen_id("632121", datetime.date(2015, 1, 10), 1)
	with pytest.raises(CitizenIDError) as info:
		parse(number, today=today)
	assert info.value.reason == "birth_date"
	assert parse(make_citizen_id("632121", today, 1), today=today).birth_date == today


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002X1", "632121198001010", ""])
def test_wrong_length_is_refused(value):
	with pytest.raises(CitizenIDError) as info:
		parse(value)
	assert info.value.reason in ("length", "empty")


def test_old_15_digit_numbers_are_refused():
	with pytest.raises(CitizenIDError) as info:
		parse("110105491231002")
	assert info.value.reason == "length"


def test_lower_case_x_is_normalised_to_upper_case():
	parsed = parse("11010519491231002x")
	assert parsed.number == STANDARD_EXAMPLE
	assert citizen_id.normalize(" 110105 19491231 002x ") == STANDARD_EXAMPLE


@pytest.mark.parametrize(
	"value, reason",
	[
		("1101051949123100AX", "not_digits"),
		("11010519491231002Y", "check_character"),
		("00010519491231002X", "region"),  # no province 00
		("99010519491231002X", "region"),
	],
)
def test_malformed_numbers_are_refused(value, reason):
	with pytest.raises(CitizenIDError) as info:
		parse(value)
	assert info.value.reason == reason


def test_is_valid():
	assert citizen_id.is_valid(STANDARD_EXAMPLE)
	assert not citizen_id.is_valid(STANDARD_EXAMPLE[:-1] + "1")
	assert not citizen_id.is_valid(None)


def test_generated_numbers_round_trip():
	for sequence in range(0, 1000, 37):
		number = make_citizen_id("632126", datetime.date(1990, 7, 1), sequence)
		assert parse(number).number == number
		assert parse(number).sex == ("Male" if sequence % 2 else "Female")
