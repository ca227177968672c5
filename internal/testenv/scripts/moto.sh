# The moto AWS emulator on 127.0.0.1:5055. Sourced by services.sh.
# shellcheck shell=bash

MOTO_PORT=${OPSKIT_MOTO_PORT:-5055}
MOTO_PIDFILE=/var/run/opskit-moto.pid

# STS GetCallerIdentity answers in constant time whatever state tests left.
moto_ready() {
	curl -fsS -X POST -d 'Action=GetCallerIdentity&Version=2011-06-15' "http://127.0.0.1:$MOTO_PORT/" >/dev/null 2>&1
}

moto_up() {
	step "moto AWS emulator on 127.0.0.1:$MOTO_PORT"
	if moto_ready; then
		ok "already answering"
		return
	fi
	if ! command -v moto_server >/dev/null; then
		if command -v pip >/dev/null; then
			pip install -q "moto[server]" >"$OPSKIT_LOGS/pip-moto.log" 2>&1 || true
		fi
		command -v moto_server >/dev/null || die "moto_server is not installed and 'pip install \"moto[server]\"' failed (log: $OPSKIT_LOGS/pip-moto.log); install moto's server extra and run again"
	fi
	setsid moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$OPSKIT_LOGS/moto.log" 2>&1 </dev/null &
	echo $! >"$MOTO_PIDFILE"
	wait_for "moto_server (log: $OPSKIT_LOGS/moto.log)" 60 moto_ready
	ok "answering"
}

moto_down() {
	step "stopping moto"
	if [ -f "$MOTO_PIDFILE" ]; then
		kill "$(cat "$MOTO_PIDFILE")" 2>/dev/null || true
		rm -f "$MOTO_PIDFILE"
	fi
	pkill -f "moto_server -H 127.0.0.1 -p $MOTO_PORT" 2>/dev/null || true
	ok "stopped"
}

moto_status() { moto_ready && echo "moto: up" || echo "moto: down"; }
