"""Reading a profile folder."""

import json
from dataclasses import dataclass
from pathlib import Path

PROFILE_FOLDERS = ("fixtures", "workflows", "print_formats")


@dataclass
class ProfileFile:
	relative_path: str  # e.g. "fixtures/role.json"
	docs: list[dict]


def read_profile(root: str | Path) -> list[ProfileFile]:
	"""Every JSON file of the profile, folder by folder, files in name order."""
	root = Path(root)
	files = []
	for folder in PROFILE_FOLDERS:
		for path in sorted((root / folder).glob("*.json")):
			with open(path, encoding="utf-8") as f:
				docs = json.load(f)
			if isinstance(docs, dict):
				docs = [docs]
			files.append(ProfileFile(f"{folder}/{path.name}", docs))
	return files
