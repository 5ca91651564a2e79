"""Copy the key desk screenshots into docs/screens as small PNGs (a 256-colour palette).
`--all SOURCE TARGET` keeps every PNG of SOURCE (the print formats' pages, scripts/update_print_screens)."""

import sys
from pathlib import Path

from PIL import Image

KEY_SCREENS = (
	"role_staff_a1_desktop",
	"role_grid_worker_phone",
	"dispute_escalated_desktop",
	"dispute_concluded_phone",
	"grid_event_phone",
	"household_desktop",
	"resident_phone",
	"workflow_builder_desktop",
	"mediation_session_recorded",
	"triaged_into_petition",
)


def main(source: Path, target: Path, names=KEY_SCREENS) -> None:
	target.mkdir(parents=True, exist_ok=True)
	for name in names:
		png = source / f"{name}.png"
		if not png.exists():
			print(f"missing: {png}")
			continue
		image = Image.open(png).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
		image.save(target / f"{name}.png", optimize=True)
		print(target / f"{name}.png", (target / f"{name}.png").stat().st_size // 1024, "KiB")


if __name__ == "__main__":
	if sys.argv[1] == "--all":
		source = Path(sys.argv[2])
		main(source, Path(sys.argv[3]), sorted(png.stem for png in source.glob("*.png")))
	else:
		main(Path(sys.argv[1]), Path(sys.argv[2]))
