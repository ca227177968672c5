# The SSH host image: a Debian bookworm root filesystem with openssh-server,
# passwd, sudo and python3, imported into Docker once and reused. Tests start
# hosts from it with --network host, each sshd on its own loopback port
# (internal/testenv.SSHHosts). Sourced by services.sh.
# shellcheck shell=bash

# Bump the tag when the image's contents change.
SSH_IMAGE=${OPSKIT_SSH_IMAGE:-opskit/sshhost:bookworm-1}
SSH_ROOTFS="$OPSKIT_STATE/sshhost-rootfs"
DEBIAN_MIRROR=${OPSKIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}

sshhost_up() {
	# ssh-audit runs beside opskit's host audit in access's TestAuditAlgorithms.
	apt_install ssh-audit
	step "SSH host image $SSH_IMAGE"
	if docker image inspect "$SSH_IMAGE" >/dev/null 2>&1; then
		ok "present"
		return
	fi
	apt_install debootstrap
	rm -rf "$SSH_ROOTFS.tmp"
	step "debootstrap bookworm (about a minute)"
	debootstrap --variant=minbase --include=openssh-server,passwd,sudo,python3 \
		bookworm "$SSH_ROOTFS.tmp" "$DEBIAN_MIRROR" >"$OPSKIT_LOGS/debootstrap.log" 2>&1 ||
		{ tail -20 "$OPSKIT_LOGS/debootstrap.log" >&2; die "debootstrap failed (log: $OPSKIT_LOGS/debootstrap.log)"; }
	local r="$SSH_ROOTFS.tmp"
	# Host keys are made per container at start, never baked into the image.
	rm -f "$r"/etc/ssh/ssh_host_*
	install -d -m 0755 "$r/run/sshd"
	install -d -m 0700 "$r/root/.ssh"
	cat >"$r/etc/ssh/sshd_config.d/opskit-testenv.conf" <<-CONF
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM yes
	CONF
	# The start script takes its port and root's public key from the
	# environment; no value is ever spliced into a command line.
	cat >"$r/usr/local/sbin/opskit-host" <<-'START'
		#!/bin/sh
		set -eu
		: "${SSH_PORT:?SSH_PORT is required}"
		: "${AUTHORIZED_KEY:?AUTHORIZED_KEY is required}"
		ssh-keygen -A >/dev/null
		printf '%s\n' "$AUTHORIZED_KEY" >/root/.ssh/authorized_keys
		chmod 0600 /root/.ssh/authorized_keys
		unset AUTHORIZED_KEY
		exec /usr/sbin/sshd -D -e -p "$SSH_PORT" -o ListenAddress=127.0.0.1 -o PidFile=none
	START
	chmod 0755 "$r/usr/local/sbin/opskit-host"
	rm -rf "$r/var/cache/apt/archives"/*.deb "$r/var/lib/apt/lists"/*
	tar -C "$r" -c . | docker import -c 'CMD ["/usr/local/sbin/opskit-host"]' - "$SSH_IMAGE" >/dev/null
	rm -rf "$r"
	ok "built"
}

# The cloud-init host image: the SSH host image with Debian's cloud-init,
# for access's TestUserDataEquivalent. Its start script runs cloud-init's
# boot stages on the user data in $USER_DATA (a NoCloud seed) before sshd
# starts, as a cloud instance's first boot does.
SSH_CLOUDINIT_IMAGE=${OPSKIT_SSH_CLOUDINIT_IMAGE:-opskit/sshhost-cloudinit:bookworm-1}

sshhost_cloudinit_up() {
	step "cloud-init host image $SSH_CLOUDINIT_IMAGE"
	if docker image inspect "$SSH_CLOUDINIT_IMAGE" >/dev/null 2>&1; then
		ok "present"
		return
	fi
	docker rm -f opskit-cloudinit-build >/dev/null 2>&1 || true
	# The build script is fixed text; the mirror travels in the environment.
	docker run --name opskit-cloudinit-build --network host -e "MIRROR=$DEBIAN_MIRROR" "$SSH_IMAGE" sh -c '
		set -e
		echo "deb $MIRROR bookworm main" >/etc/apt/sources.list
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends cloud-init
		rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/lib/cloud/* /var/log/cloud-init*
		printf "datasource_list: [ NoCloud, None ]\n" >/etc/cloud/cloud.cfg.d/99-opskit-nocloud.cfg
		# Host keys come from the start script (ssh-keygen -A), as in the
		# plain image: cc_ssh making its own takes seconds per host.
		printf "ssh_deletekeys: false\nssh_genkeytypes: []\n" >/etc/cloud/cloud.cfg.d/98-opskit-hostkeys.cfg
		cat >/usr/local/sbin/opskit-cloudinit-host <<-"START"
			#!/bin/sh
			set -eu
			: "${USER_DATA:?USER_DATA (base64) is required}"
			seed=/var/lib/cloud/seed/nocloud
			mkdir -p "$seed"
			printf "%s" "$USER_DATA" | base64 -d >"$seed/user-data"
			printf "instance-id: opskit-test\n" >"$seed/meta-data"
			unset USER_DATA
			# The boot stages, in order, before sshd starts.
			for stage in "init --local" "init" "modules --mode config" "modules --mode final"; do
				# shellcheck disable=SC2086
				cloud-init $stage >>/var/log/opskit-cloudinit.log 2>&1 || true
			done
			exec /usr/local/sbin/opskit-host
		START
		chmod 0755 /usr/local/sbin/opskit-cloudinit-host
	' >"$OPSKIT_LOGS/cloudinit-image.log" 2>&1 ||
		{ tail -20 "$OPSKIT_LOGS/cloudinit-image.log" >&2; docker rm -f opskit-cloudinit-build >/dev/null 2>&1; die "cloud-init image build failed (log: $OPSKIT_LOGS/cloudinit-image.log)"; }
	docker commit -c 'CMD ["/usr/local/sbin/opskit-cloudinit-host"]' opskit-cloudinit-build "$SSH_CLOUDINIT_IMAGE" >/dev/null
	docker rm -f opskit-cloudinit-build >/dev/null
	ok "built"
}

sshhost_down() {
	step "removing SSH host containers"
	docker ps -aq --filter label=opskit.testenv=sshhost 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
	ok "removed"
}

sshhost_status() {
	docker image inspect "$SSH_IMAGE" >/dev/null 2>&1 && echo "ssh host image: present" || echo "ssh host image: missing"
	docker image inspect "$SSH_CLOUDINIT_IMAGE" >/dev/null 2>&1 && echo "cloud-init host image: present" || echo "cloud-init host image: missing"
}
