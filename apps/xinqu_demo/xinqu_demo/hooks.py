app_name = "xinqu_demo"
app_title = "Xinqu Demo"
app_publisher = "Xinqu Governance Contributors"
app_description = "Demo data for xinqu_governance: a seeded district registry, its cases, the demo sign-in and a local outbox"
app_email = "dev@xinqu.example"
app_license = "mit"

# The demo is an app of its own so that a district installing xinqu_governance gets no demo code,
# demo accounts or published password. It only adds data (through its bench commands, commands.py)
# and has no DocTypes, hooks on documents, jobs or pages of its own.

# "org/repo", as xinqu_governance names frappe: v15's install-app parses each entry with
# `fetch_details_from_tag`, and a bare name sends it to GitHub (`find_org`) to guess the organisation,
# which fails on an offline bench (and finds no "xinqu_governance" there). install-app uses only the
# repo part: the app's name, installed first when the site does not have it yet.
required_apps = ["frappe/frappe", "xinqu/xinqu_governance"]
