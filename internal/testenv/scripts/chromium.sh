# Chromium, the real browser TestHardenHTML opens the HTML audit report in
# (headless, --dump-dom and --screenshot). Debian's package. Sourced by
# services.sh.
# shellcheck shell=bash

CHROMIUM_BIN=/usr/bin/chromium

chromium_ready() { [ -x "$CHROMIUM_BIN" ] && "$CHROMIUM_BIN" --version >/dev/null 2>&1; }

chromium_up() {
	step "chromium (headless browser for the HTML report test)"
	if chromium_ready; then
		ok "installed"
		return
	fi
	# fonts-dejavu-core: --no-install-recommends leaves Chromium without a
	# font, and a screenshot would show boxes instead of text.
	apt_install chromium fonts-dejavu-core
	chromium_ready || die "$CHROMIUM_BIN does not run"
	ok "installed"
}

chromium_status() { chromium_ready && echo "chromium: installed ($("$CHROMIUM_BIN" --version 2>/dev/null))" || echo "chromium: missing"; }
