#!/usr/bin/env bash
# Starts, stops or reports on the real services opskit's integration tests
# use, all on loopback addresses. Usage: services.sh up|down|status|bench-deps
# Run as root on Debian 12; missing Debian packages are installed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

# Test-only AWS credentials for the emulator and for dockerd's awslogs driver
# (used by the parts sourced below).
AWS_TEST_KEY_ID=${OPSKIT_AWS_ACCESS_KEY_ID:-opskit-test}
AWS_TEST_SECRET=${OPSKIT_AWS_SECRET_ACCESS_KEY:-opskit-test}
AWS_TEST_REGION=${OPSKIT_AWS_REGION:-us-east-1}
export AWS_TEST_KEY_ID AWS_TEST_SECRET AWS_TEST_REGION

for part in tls postgres rabbitmq docker moto sshhost sarif journald gitleaks chromium; do
	# shellcheck source=/dev/null
	. "$here/scripts/$part.sh"
done

# The daemons started below inherit this shell's working directory. Start
# them from / so they outlive the checkout that started them: a RabbitMQ
# node whose directory was deleted (a removed clone or worktree) fails
# every call that resolves a path, and its management API answers 500.
cd /

cmd=${1:-up}
case "$cmd" in
up)
	need_root
	start=$SECONDS
	apt_install curl ca-certificates openssl gnupg postgresql postgresql-contrib rabbitmq-server docker.io debootstrap shellcheck age
	tls_up
	thaw_stopped
	postgres_up
	rabbitmq_up
	moto_up
	docker_up
	sshhost_up
	sshhost_cloudinit_up
	sarif_up
	journald_up
	gitleaks_up
	chromium_up
	printf '==> all services ready in %ss\n' $((SECONDS - start))
	;;
down)
	need_root
	journald_down
	sshhost_down
	docker_down
	moto_down
	rabbitmq_down
	postgres_down
	;;
bench-deps)
	# The peers the benchmarks measure against, from Debian's packages.
	need_root
	apt_install ansible-core rsyslog openssh-client
	# sops is not packaged by Debian 12: built from the Go module proxy.
	if ! command -v sops >/dev/null; then
		GOBIN=/usr/local/bin "${GO:-$(command -v go || echo /usr/local/go/bin/go)}" install github.com/getsops/sops/v3/cmd/sops@v3.13.3
	fi
	;;
status)
	tls_status
	postgres_status
	rabbitmq_status
	moto_status
	docker_status
	sshhost_status
	sarif_status
	journald_status
	gitleaks_status
	chromium_status
	;;
*)
	die "usage: $0 up|down|status|bench-deps"
	;;
esac
