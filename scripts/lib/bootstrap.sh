# Shared setup for scripts/run and scripts/test: system packages, services, virtualenv.
# Idempotent: each step checks what exists and does nothing when it is there already.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$REPO/.venv"
PY="$VENV/bin/python"


log() { printf '\033[1m[xinqu]\033[0m %s\n' "$*" >&2; }

need_apt=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

ensure_system_packages() {
	local pkgs=(pkg-config libmariadb-dev build-essential mariadb-client poppler-utils fonts-noto-cjk
		libpango-1.0-0 libpangoft2-1.0-0 chromium redis-tools)
	command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || pkgs+=(mariadb-server)
	command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
	command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
	command -v npm >/dev/null 2>&1 || pkgs+=(npm)
	need_apt=()
	for p in "${pkgs[@]}"; do have_pkg "$p" || need_apt+=("$p"); done
	if [ ${#need_apt[@]} -gt 0 ]; then
		log "installing Debian packages: ${need_apt[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq "${need_apt[@]}" >/dev/null
	fi
}

mariadb_up() { mariadb-admin -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

ensure_services() {
	if ! mariadb_up; then
		log "starting MariaDB on 127.0.0.1:3306"
		mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
		[ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql >/dev/null
		start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --bind-address=127.0.0.1
		for _ in $(seq 60); do mariadb_up && break; sleep 1; done
		mariadb_up || { log "MariaDB did not start"; exit 1; }
	fi
	if ! redis_up; then
		log "starting Redis on 127.0.0.1:6379"
		mkdir -p /var/lib/redis /var/log/redis
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
			--dir /var/lib/redis --logfile /var/log/redis/xinqu.log
		for _ in $(seq 30); do redis_up && break; sleep 1; done
		redis_up || { log "Redis did not start"; exit 1; }
	fi
}

find_python() {
	# monoframe needs Python >= 3.12 (its event.py uses a PEP 695 `type` statement: fix 1)
	local c
	for c in python3.12 python3.13 "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3; do
		if command -v "$c" >/dev/null 2>&1 || [ -x "$c" ]; then
			"$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$c"; return; }
		fi
	done
	if apt-cache policy python3.12 2>/dev/null | grep -q Candidate: && ! apt-cache policy python3.12 | grep -q "Candidate: (none)"; then
		apt-get install -y -qq python3.12 python3.12-venv python3.12-dev >/dev/null && { echo python3.12; return; }
	fi
	log "Python >= 3.12 is required (monoframe); none found"; exit 1
}

ensure_venv() {
	local stamp="$VENV/.xinqu-stamp" want
	want="$(cat "$REPO/runtime/requirements.txt" "$REPO/apps/xinqu_governance/pyproject.toml" "$REPO/apps/xinqu_demo/pyproject.toml" | sha1sum | cut -c1-16)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
	if [ ! -x "$PY" ]; then
		log "creating virtualenv .venv"
		"$(find_python)" -m venv "$VENV"
	fi
	log "installing Python packages (monoframe, the app and its demo app, test tools); log: .venv/pip.log"
	{
		"$PY" -m pip install -q --upgrade pip &&
			"$PY" -m pip install -q -r "$REPO/runtime/requirements.txt" &&
			"$PY" -m pip install -q -e "$REPO/apps/xinqu_governance" &&
			"$PY" -m pip install -q -e "$REPO/apps/xinqu_demo"
	} >"$VENV/pip.log" 2>&1 || { tail -30 "$VENV/pip.log"; exit 1; }
	# the runtime is importable as `xinqu_runtime` from the repo, not installed into apps/
	echo "$REPO/runtime" > "$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/xinqu_runtime.pth"
	echo "$want" > "$stamp"
}

xq() { "$PY" -m xinqu_runtime "$@"; }

ensure_desk() {
	# the desk's JS/CSS bundles (runtime fix 10): npm ci + esbuild, skipped when no source changed
	xq build >"$REPO/runtime/desk/build.log" 2>&1 || { tail -40 "$REPO/runtime/desk/build.log"; exit 1; }
	log "$(tail -1 "$REPO/runtime/desk/build.log")"
}

ensure_realtime() {
	# the realtime (socket.io) server's npm packages (runtime fix 13): npm ci once per lockfile
	xq realtime --install-only >/dev/null
}

bootstrap() {
	ensure_system_packages
	ensure_services
	ensure_venv
	ensure_desk
	ensure_realtime
}
