# RabbitMQ: a 3-node cluster on one machine, AMQP on 127.0.0.1:5672-5674,
# management API on 15672-15674. Sourced by services.sh.
# shellcheck shell=bash

RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_BASE=/var/lib/rabbitmq/opskit
RMQ_NODES=(rabbit1@localhost rabbit2@localhost rabbit3@localhost)
RMQ_PLUGINS="rabbitmq_management rabbitmq_event_exchange rabbitmq_consistent_hash_exchange"

# rmq runs a RabbitMQ CLI tool as the rabbitmq user, so it finds the cookie.
rmq() {
	local tool=$1
	shift
	runuser -u rabbitmq -- env HOME=/var/lib/rabbitmq "$RMQ_BIN/$tool" "$@"
}

rmq_node_env() {
	local i=$1
	local name=${RMQ_NODES[$((i - 1))]}
	local dir="$RMQ_BASE/rabbit$i"
	echo HOME=/var/lib/rabbitmq \
		RABBITMQ_NODENAME="$name" \
		RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
		RABBITMQ_NODE_PORT=$((5671 + i)) \
		RABBITMQ_DIST_PORT=$((25671 + i)) \
		RABBITMQ_MNESIA_BASE="$dir/mnesia" \
		RABBITMQ_LOG_BASE="$dir/log" \
		RABBITMQ_PID_FILE="$dir/rabbit.pid" \
		ERL_EPMD_ADDRESS=127.0.0.1
}

rmq_running() { rmq rabbitmqctl -n "$1" -q await_startup --timeout 1 >/dev/null 2>&1; }
rmq_node_alive() { rmq rabbitmqctl -n "$1" -q ping >/dev/null 2>&1; }

rabbitmq_up() {
	step "RabbitMQ 3-node cluster (${RMQ_NODES[*]})"
	apt_install rabbitmq-server
	# The Debian package may have started its own node on the default port.
	if [ ! -f "$RMQ_BASE/.initialised" ] && rmq rabbitmqctl -n "rabbit@$(hostname -s)" -q status >/dev/null 2>&1; then
		rmq rabbitmqctl -n "rabbit@$(hostname -s)" -q stop >/dev/null 2>&1 || true
	fi
	# enabled_plugins is shared by all three nodes.
	rabbitmq-plugins enable --offline $RMQ_PLUGINS >/dev/null
	local i name
	for i in 1 2 3; do
		name=${RMQ_NODES[$((i - 1))]}
		if rmq_running "$name"; then
			continue
		fi
		if rmq_node_alive "$name"; then
			# The Erlang node runs but its app was stopped (a test's node loss).
			rmq rabbitmqctl -n "$name" -q start_app >>"$OPSKIT_LOGS/rabbit-join.log" 2>&1 || true
			continue
		fi
		install -d -o rabbitmq -g rabbitmq "$RMQ_BASE/rabbit$i/log" "$RMQ_BASE/rabbit$i/mnesia"
		# shellcheck disable=SC2046
		runuser -u rabbitmq -- env $(rmq_node_env "$i") \
			RABBITMQ_SERVER_START_ARGS="-rabbitmq_management listener [{port,$((15671 + i))},{ip,\"127.0.0.1\"}] -kernel inet_dist_use_interface {127,0,0,1}" \
			"$RMQ_BIN/rabbitmq-server" -detached >"$OPSKIT_LOGS/rabbit$i.start.log" 2>&1
	done
	for i in 1 2 3; do
		name=${RMQ_NODES[$((i - 1))]}
		rmq rabbitmqctl -n "$name" -q await_startup --timeout 120 >/dev/null ||
			die "RabbitMQ node $name did not start (logs: $RMQ_BASE/rabbit$i/log)"
	done
	for i in 2 3; do
		name=${RMQ_NODES[$((i - 1))]}
		if ! rmq rabbitmqctl -n "$name" -q cluster_status --formatter json 2>/dev/null | grep -q "${RMQ_NODES[0]}"; then
			step "joining $name to ${RMQ_NODES[0]}"
			rmq rabbitmqctl -n "$name" -q stop_app >>"$OPSKIT_LOGS/rabbit-join.log" 2>&1
			rmq rabbitmqctl -n "$name" -q reset >>"$OPSKIT_LOGS/rabbit-join.log" 2>&1
			rmq rabbitmqctl -n "$name" -q join_cluster "${RMQ_NODES[0]}" >>"$OPSKIT_LOGS/rabbit-join.log" 2>&1
			rmq rabbitmqctl -n "$name" -q start_app >>"$OPSKIT_LOGS/rabbit-join.log" 2>&1
		fi
	done
	touch "$RMQ_BASE/.initialised"
	for i in 1 2 3; do
		wait_for "RabbitMQ management API on port $((15671 + i))" 60 \
			curl -fsS -u guest:guest "http://127.0.0.1:$((15671 + i))/api/overview"
	done
	local running
	running=$(curl -fsS -u guest:guest http://127.0.0.1:15672/api/nodes | grep -o '"running":true' | wc -l)
	[ "$running" = 3 ] || die "RabbitMQ cluster has $running running nodes, want 3"
	ok "3 nodes running in one cluster"
}

rabbitmq_down() {
	step "stopping RabbitMQ nodes"
	local i name
	for i in 3 2 1; do
		name=${RMQ_NODES[$((i - 1))]}
		rmq rabbitmqctl -n "$name" -q stop >/dev/null 2>&1 || true
	done
	# The Erlang port mapper outlives the nodes that started it.
	runuser -u rabbitmq -- epmd -kill >/dev/null 2>&1 || true
	ok "stopped"
}

rabbitmq_status() {
	local n
	for n in "${RMQ_NODES[@]}"; do
		rmq_running "$n" && echo "rabbitmq $n: up" || echo "rabbitmq $n: down"
	done
}
