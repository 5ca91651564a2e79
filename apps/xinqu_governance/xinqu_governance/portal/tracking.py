"""Tracking codes a resident follows a portal submission with: 12 characters drawn at random from an
alphabet without the look-alikes 0/O and 1/I (32 symbols, 60 bits), shown in groups of four
(e.g. ``7KQ2-MX9D-R4TW``). Input is forgiving: case, spaces and dashes are ignored."""

import re
import secrets

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 12
GROUP = 4
_TRACKING_RE = re.compile(f"^[{TRACKING_ALPHABET}]{{{TRACKING_CODE_LENGTH}}}$")


def generate_tracking_code() -> str:
	return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def normalize_tracking_code(value: str | None) -> str:
	"""Upper case, without spaces and dashes (what is stored)."""
	return re.sub(r"[\s\-]", "", value or "").upper()


def is_tracking_code(value: str | None) -> bool:
	return bool(_TRACKING_RE.match(value or ""))


def format_tracking_code(code: str) -> str:
	"""``7KQ2MX9DR4TW`` → ``7KQ2-MX9D-R4TW`` (easier to read out and to copy by hand)."""
	return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
