# Docker engine in swarm mode advertising 127.0.0.1, with fake AWS credentials
# in dockerd's environment so the awslogs driver can reach the AWS emulator.
# Sourced by services.sh.
# shellcheck shell=bash

DOCKER_PIDFILE=/var/run/opskit-dockerd.pid

docker_ready() { docker info >/dev/null 2>&1; }

docker_up() {
	step "Docker engine in swarm mode"
	if ! command -v dockerd >/dev/null; then
		apt_install docker.io
	fi
	if ! docker_ready; then
		# The awslogs driver reads credentials from dockerd's environment;
		# the emulator accepts any, and these are not secrets.
		env AWS_ACCESS_KEY_ID="$AWS_TEST_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_TEST_SECRET" \
			AWS_REGION="$AWS_TEST_REGION" \
			setsid dockerd --host unix:///var/run/docker.sock --pidfile "$DOCKER_PIDFILE" \
			>"$OPSKIT_LOGS/dockerd.log" 2>&1 </dev/null &
		wait_for "dockerd (log: $OPSKIT_LOGS/dockerd.log)" 60 docker_ready
	fi
	local state
	state=$(docker info --format '{{.Swarm.LocalNodeState}}')
	if [ "$state" != active ]; then
		docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null
	fi
	ok "dockerd $(docker version --format '{{.Server.Version}}'), swarm active"
}

docker_down() {
	step "stopping dockerd"
	if [ -f "$DOCKER_PIDFILE" ]; then
		local pid
		pid=$(cat "$DOCKER_PIDFILE")
		# Containers of the tests go first, then the swarm, then the daemon.
		docker ps -q --filter label=opskit.testenv | xargs -r docker rm -f >/dev/null 2>&1 || true
		kill "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + 30))
		while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
		kill -9 "$pid" 2>/dev/null || true
		pkill -f 'containerd --config /var/run/docker/containerd' 2>/dev/null || true
	fi
	ok "stopped"
}

docker_status() { docker_ready && echo "docker: up, swarm $(docker info --format '{{.Swarm.LocalNodeState}}')" || echo "docker: down"; }
