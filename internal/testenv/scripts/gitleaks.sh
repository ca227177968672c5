# gitleaks, the secret scanner TestLintCorpus measures secrets/lint
# against. Not packaged by Debian 12: built from the Go module proxy into a
# fixed directory outside the checkout. Sourced by services.sh.
# shellcheck shell=bash

GITLEAKS_VERSION=v8.30.1
GITLEAKS_BIN=${OPSKIT_BIN:-/opt/opskit/bin}/gitleaks

# gitleaks_ready: the binary is there and was built from the pinned version
# (go install leaves the version out of `gitleaks version`, but the Go
# build information records the module version).
gitleaks_ready() {
	local gobin=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
	[ -x "$GITLEAKS_BIN" ] &&
		"$gobin" version -m "$GITLEAKS_BIN" 2>/dev/null | grep -q "github.com/zricethezav/gitleaks/v8[[:space:]]*$GITLEAKS_VERSION"
}

gitleaks_up() {
	step "gitleaks $GITLEAKS_VERSION in $GITLEAKS_BIN"
	if gitleaks_ready; then
		ok "installed"
		return
	fi
	local gobin=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
	mkdir -p "$(dirname "$GITLEAKS_BIN")"
	GOBIN=$(dirname "$GITLEAKS_BIN") "$gobin" install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION" \
		>"$OPSKIT_LOGS/gitleaks-install.log" 2>&1 ||
		{ tail -20 "$OPSKIT_LOGS/gitleaks-install.log" >&2; die "go install gitleaks failed (log: $OPSKIT_LOGS/gitleaks-install.log)"; }
	gitleaks_ready || die "$GITLEAKS_BIN is not gitleaks $GITLEAKS_VERSION"
	ok "installed"
}

gitleaks_status() { gitleaks_ready && echo "gitleaks: installed ($GITLEAKS_BIN)" || echo "gitleaks: missing"; }
