# systemd-journald on its own (systemd is not PID 1 here), for the journald
# source's tests. Sourced by services.sh.
# shellcheck shell=bash

JOURNALD_BIN=/lib/systemd/systemd-journald
JOURNALD_PIDFILE=/var/run/opskit-journald.pid

# journald_ready: a journald (ours, or the host's under systemd) accepts
# a line through systemd-cat on its sockets.
journald_ready() {
	[ -S /run/systemd/journal/socket ] && [ -S /run/systemd/journal/stdout ] &&
		echo "opskit-testenv probe" | systemd-cat -t opskit-testenv
}

journald_up() {
	step "systemd-journald"
	if journald_ready; then
		ok "already running"
		return
	fi
	[ -x "$JOURNALD_BIN" ] || apt_install systemd
	# Tests write bursts of tens of thousands of lines: no rate limit. The
	# drop-in lives under /run, which journald reads and which goes away on
	# reboot; /etc stays untouched.
	mkdir -p /run/systemd/journald.conf.d
	printf '[Journal]\nRateLimitIntervalSec=0\nRateLimitBurst=0\n' >/run/systemd/journald.conf.d/opskit-testenv.conf
	# A journald that died leaves its sockets behind; a new one binds them
	# again. One of ours that hangs is stopped first.
	if [ -f "$JOURNALD_PIDFILE" ]; then
		kill "$(cat "$JOURNALD_PIDFILE")" 2>/dev/null || true
		rm -f "$JOURNALD_PIDFILE"
	fi
	setsid "$JOURNALD_BIN" >"$OPSKIT_LOGS/journald.log" 2>&1 </dev/null &
	echo $! >"$JOURNALD_PIDFILE"
	wait_for "systemd-journald (log: $OPSKIT_LOGS/journald.log)" 20 journald_ready
	ok "running (pid $(cat "$JOURNALD_PIDFILE"))"
}

journald_down() {
	step "stopping systemd-journald"
	if [ -f "$JOURNALD_PIDFILE" ]; then
		kill "$(cat "$JOURNALD_PIDFILE")" 2>/dev/null || true
		rm -f "$JOURNALD_PIDFILE"
	fi
	ok "stopped"
}

journald_status() { journald_ready >/dev/null 2>&1 && echo "journald: up" || echo "journald: down"; }
