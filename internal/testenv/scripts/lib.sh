# Shared helpers for the opskit test-service scripts. Sourced, not run.
# shellcheck shell=bash

set -euo pipefail

# moto is often installed with pyenv; its shims are not always on PATH.
PATH=$PATH:/root/.pyenv/shims:/usr/local/bin

OPSKIT_STATE=${OPSKIT_STATE:-/var/lib/opskit-testenv}
OPSKIT_LOGS=${OPSKIT_LOGS:-/var/log/opskit-testenv}
mkdir -p "$OPSKIT_STATE" "$OPSKIT_LOGS"

step() { printf '==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need_root stops early with a clear message: the services are system daemons.
need_root() {
	[ "$(id -u)" = 0 ] || die "the test services must be started as root (they install Debian packages and run daemons)"
}

APT_UPDATED=""
# apt_install installs the Debian packages that are missing, and only those.
apt_install() {
	local missing=()
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	step "installing Debian packages: ${missing[*]}"
	if [ -z "$APT_UPDATED" ]; then
		apt-get update -qq
		APT_UPDATED=1
	fi
	# policy-rc.d keeps the packages' own init scripts from starting daemons
	# on default ports; the scripts here start every daemon themselves.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$OPSKIT_LOGS/apt.log" 2>&1 ||
		{ tail -20 "$OPSKIT_LOGS/apt.log" >&2; die "apt-get install ${missing[*]} failed (log: $OPSKIT_LOGS/apt.log)"; }
}

# wait_for runs a command until it succeeds or the timeout (seconds) passes.
wait_for() {
	local what=$1 timeout=$2
	shift 2
	local deadline=$((SECONDS + timeout))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && die "$what did not become ready within ${timeout}s"
		sleep 0.5
	done
}

# port_open reports whether something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# thaw_stopped resumes the test servers' processes left stopped (SIGSTOP,
# state T) by a chaos test whose process died before its cleanup sent
# SIGCONT; a stopped server accepts connections and then never answers.
thaw_stopped() {
	step "stopped test server processes"
	n=0
	for pid in $(ps -eo pid=,stat=,comm= | awk '$2 ~ /^T/ && ($3 == "postgres" || $3 == "beam.smp" || $3 == "epmd" || $3 ~ /^erl_child/) {print $1}'); do
		kill -CONT "$pid" 2>/dev/null && n=$((n + 1))
	done
	if [ "$n" -gt 0 ]; then
		ok "resumed $n (left stopped by an interrupted test)"
	else
		ok "none"
	fi
}
