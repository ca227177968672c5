# Microsoft's SARIF multitool, which TestSARIFGitHub runs to check audit
# reports the way GitHub code scanning would. Installed from the npm
# registry into a directory outside the checkout. Sourced by services.sh.
# shellcheck shell=bash

SARIF_MULTITOOL_VERSION=5.7.0
SARIF_PREFIX=${OPSKIT_NODE_PREFIX:-/opt/opskit}
# The Linux build itself: the package's bin.js runs it through a shell,
# which splits the semicolon-separated arguments validate takes.
SARIF_MULTITOOL=$SARIF_PREFIX/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

sarif_ready() {
	[ -x "$SARIF_MULTITOOL" ] && "$SARIF_MULTITOOL" --version >/dev/null 2>&1
}

sarif_up() {
	step "SARIF multitool $SARIF_MULTITOOL_VERSION in $SARIF_PREFIX"
	if sarif_ready && [ -f "$SARIF_PREFIX/node_modules/@microsoft/sarif-multitool-linux/package.json" ] &&
		grep -q "\"version\": \"$SARIF_MULTITOOL_VERSION\"" "$SARIF_PREFIX/node_modules/@microsoft/sarif-multitool-linux/package.json"; then
		ok "installed"
		return
	fi
	# The multitool is a self-contained .NET program: it needs ICU, and npm
	# (with node) to fetch it. Debian's packages when they are missing.
	apt_install libicu72
	command -v npm >/dev/null || apt_install nodejs npm
	mkdir -p "$SARIF_PREFIX"
	npm install --prefix "$SARIF_PREFIX" --no-audit --no-fund --loglevel=error \
		"@microsoft/sarif-multitool@$SARIF_MULTITOOL_VERSION" >"$OPSKIT_LOGS/npm-sarif.log" 2>&1 ||
		{ tail -20 "$OPSKIT_LOGS/npm-sarif.log" >&2; die "npm install @microsoft/sarif-multitool failed (log: $OPSKIT_LOGS/npm-sarif.log)"; }
	# The package's postinstall only makes the binary executable; newer npm
	# versions skip install scripts unless allowed, so do it here.
	chmod u+x "$SARIF_MULTITOOL"
	sarif_ready || die "$SARIF_MULTITOOL does not run"
	ok "installed"
}

sarif_status() { sarif_ready && echo "sarif multitool: installed ($SARIF_MULTITOOL)" || echo "sarif multitool: missing"; }
