#!/usr/bin/env python3
"""Generate the demo registry (seeded, set-based): the 22 resettlement compounds, the 8 first-batch
villages, households with residents (valid citizen ID numbers), grids by the §11 rule, facilities of
every type and organisations. Re-running with the same seed changes nothing.

	.venv/bin/python scripts/generate_demo_data.py                     # sites/demo, 3 000 households
	.venv/bin/python scripts/generate_demo_data.py --households 100000 --site-dir sites/bench

On a real Frappe bench the same generator runs as
	bench --site SITE execute xinqu_governance.registry.demo_data.generate --kwargs '{"scale": 3000}'
"""

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site-dir", default=str(REPO / "sites" / "demo"))
	parser.add_argument(
		"--households", type=int, default=3000, help="number of households (about 3.2 residents each)"
	)
	parser.add_argument("--seed", type=int, default=None, help="random seed (default: 20150109)")
	args = parser.parse_args()

	sys.path.insert(0, str(REPO / "runtime"))
	from xinqu_runtime import site

	frappe = site.connect(Path(args.site_dir).resolve())
	from xinqu_governance.registry import demo_data

	seed = demo_data.DEFAULT_SEED if args.seed is None else args.seed
	summary = demo_data.generate(scale=args.households, seed=seed)
	frappe.db.commit()
	print(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
	return 0


if __name__ == "__main__":
	sys.exit(main())
