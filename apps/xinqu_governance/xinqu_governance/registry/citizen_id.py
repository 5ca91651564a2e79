"""Citizen identity numbers (公民身份号码) as defined by GB 11643-1999.

An 18-character number: a 6-digit region code, the birth date as ``YYYYMMDD``, a 3-digit
sequence code whose last digit is odd for men and even for women, and a check character
computed with ISO 7064 MOD 11-2 (``0``-``9`` or ``X``).

Pure Python: the only tie to Frappe is the translation of error messages, which falls back to
the English text when Frappe is not importable (scripts, pure unit tests).

Decisions (see docs/registry.md):
- a lower-case ``x`` as check character is accepted and normalised to ``X``; surrounding and
  embedded spaces are removed;
- the old 15-digit numbers are refused (they carry no check character);
- the province code (first two digits) must be a real one; the birth date must be a real date
  from 1900-01-01 up to today.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

try:  # translated messages inside a Frappe site, plain English elsewhere
	from frappe import _
except ImportError:  # pragma: no cover - exercised only without Frappe

	def _(msg: str, *args, **kwargs) -> str:
		return msg


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# GB/T 2260 province-level codes, plus 71 (Taiwan), 81 (Hong Kong), 82 (Macao) and 83 (residence
# permits of Taiwan residents).
PROVINCE_CODES = frozenset(
	{
		"11",
		"12",
		"13",
		"14",
		"15",
		"21",
		"22",
		"23",
		"31",
		"32",
		"33",
		"34",
		"35",
		"36",
		"37",
		"41",
		"42",
		"43",
		"44",
		"45",
		"46",
		"50",
		"51",
		"52",
		"53",
		"54",
		"61",
		"62",
		"63",
		"64",
		"65",
		"71",
		"81",
		"82",
		"83",
	}
)


class CitizenIDError(ValueError):
	"""The number is not a valid GB 11643 citizen identity number. ``reason`` is a short code."""

	def __init__(self, message: str, reason: str):
		super().__init__(message)
		self.message = message
		self.reason = reason


class CitizenID(NamedTuple):
	number: str
	region_code: str
	birth_date: datetime.date
	sex: str  # "Male" or "Female", the option values of the Resident.sex Select

	@property
	def province_code(self) -> str:
		return self.region_code[:2]


def normalize(value: str | None) -> str:
	"""Strip spaces and upper-case the check character (``x`` → ``X``)."""
	return "".join((value or "").split()).upper()


def compute_check_character(first17: str) -> str:
	"""The ISO 7064 MOD 11-2 check character for the first 17 digits."""
	if len(first17) != 17 or not first17.isdigit():
		raise CitizenIDError(_("The first 17 characters must be digits."), "not_digits")
	total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
	return CHECK_CHARACTERS[total % 11]


def parse(value: str | None, today: datetime.date | None = None) -> CitizenID:
	"""Validate a citizen ID number and return its parts; raise CitizenIDError if it is invalid."""
	number = normalize(value)
	if not number:
		raise CitizenIDError(_("The citizen ID number is empty."), "empty")
	if len(number) != 18:
		raise CitizenIDError(
			_("A citizen ID number has 18 characters, not {0}.").format(len(number)), "length"
		)
	first17, check = number[:17], number[17]
	if not first17.isdigit():
		raise CitizenIDError(_("The first 17 characters must be digits."), "not_digits")
	if not (check.isdigit() or check == "X"):
		raise CitizenIDError(_("The last character must be a digit or X."), "check_character")
	if number[:2] not in PROVINCE_CODES:
		raise CitizenIDError(_("{0} is not a province code.").format(number[:2]), "region")

	birth_date = _birth_date(number[6:14])
	today = today or datetime.date.today()
	if birth_date > today:
		raise CitizenIDError(_("The birth date {0} lies in the future.").format(birth_date), "birth_date")
	if birth_date < EARLIEST_BIRTH_DATE:
		raise CitizenIDError(
			_("The birth date {0} is before {1}.").format(birth_date, EARLIEST_BIRTH_DATE), "birth_date"
		)

	expected = compute_check_character(first17)
	if check != expected:
		raise CitizenIDError(_("The check character is wrong (checksum failed)."), "checksum")

	sex = "Male" if int(number[16]) % 2 else "Female"
	return CitizenID(number=number, region_code=number[:6], birth_date=birth_date, sex=sex)


def is_valid(value: str | None, today: datetime.date | None = None) -> bool:
	try:
		parse(value, today)
	except CitizenIDError:
		return False
	return True


def make_citizen_id(region_code: str, birth_date: datetime.date, sequence: int) -> str:
	"""Build a valid number (generated sample data, tests): ``sequence`` 0-999, odd for a man, even for a woman."""
	if len(region_code) != 6 or not region_code.isdigit():
		raise CitizenIDError(_("The region code must be 6 digits."), "region")
	first17 = f"{region_code}{birth_date:%Y%m%d}{sequence % 1000:03d}"
	return first17 + compute_check_character(first17)


def _birth_date(yyyymmdd: str) -> datetime.date:
	try:
		return datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
	except ValueError:
		raise CitizenIDError(_("{0} is not a valid birth date.").format(yyyymmdd), "birth_date") from None
