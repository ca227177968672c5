# RabbitMQ: a 3-node cluster on one machine, AMQP on 127.0.0.1:5672-5674,
# management API on 15672-15674; beside them AMQP over TLS on 5671, 5675 and
# 5676 and the management API over HTTPS on 15671, 15675 and 15676, with the
# test CA's certificate (tls.sh, sourced before this file). Client
# certificates log in with EXTERNAL as their CN (user opskit-client).
# Sourced by services.sh.
# shellcheck shell=bash

RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_BASE=/var/lib/rabbitmq/opskit
RMQ_NODES=(rabbit1@localhost rabbit2@localhost rabbit3@localhost)
RMQ_PLUGINS="rabbitmq_management rabbitmq_event_exchange rabbitmq_consistent_hash_exchange rabbitmq_auth_mechanism_ssl"
RMQ_TLS_PORTS=(5671 5675 5676)
RMQ_MGMT_TLS_PORTS=(15671 15675 15676)

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

# rmq_start_args prints node i's Erlang arguments: its management listener
# (HTTP and HTTPS) and its AMQP-over-TLS listener, all on 127.0.0.1.
rmq_start_args() {
	local i=$1 d="\"$TLS_DIR/rabbitmq"
	local certs="{cacertfile,$d/ca.crt\"},{certfile,$d/server.crt\"},{keyfile,$d/server.key\"}"
	printf '%s' "-rabbitmq_management listener [{port,$((15671 + i))},{ip,\"127.0.0.1\"}]" \
		" -rabbitmq_management ssl_config [{port,${RMQ_MGMT_TLS_PORTS[$((i - 1))]}},{ip,\"127.0.0.1\"},$certs]" \
		" -rabbit ssl_listeners [{\"127.0.0.1\",${RMQ_TLS_PORTS[$((i - 1))]}}]" \
		" -kernel inet_dist_use_interface {127,0,0,1}"
}

# rmq_start_node starts node i in the background.
rmq_start_node() {
	local i=$1
	install -d -o rabbitmq -g rabbitmq "$RMQ_BASE/rabbit$i/log" "$RMQ_BASE/rabbit$i/mnesia"
	# shellcheck disable=SC2046
	runuser -u rabbitmq -- env $(rmq_node_env "$i") \
		RABBITMQ_SERVER_START_ARGS="$(rmq_start_args "$i")" \
		"$RMQ_BIN/rabbitmq-server" -detached >"$OPSKIT_LOGS/rabbit$i.start.log" 2>&1
}

rmq_running() { rmq rabbitmqctl -n "$1" -q await_startup --timeout 1 >/dev/null 2>&1; }
rmq_node_alive() { rmq rabbitmqctl -n "$1" -q ping >/dev/null 2>&1; }

RMQ_CONF=/etc/rabbitmq/rabbitmq.conf
# The TLS settings live in conf.d (RabbitMQ reads conf.d/*.conf after
# rabbitmq.conf), so rabbitmq.conf stays as older copies of this script
# write it and they never restart the cluster over it.
RMQ_TLS_CONF=/etc/rabbitmq/conf.d/20-opskit-tls.conf

# rmq_tls_conf prints the TLS settings all nodes share; the listeners are
# per node (rmq_start_args).
rmq_tls_conf() {
	cat <<-CONF
		# Written by opskit's test-service scripts.
		ssl_options.cacertfile = $TLS_DIR/rabbitmq/ca.crt
		ssl_options.certfile = $TLS_DIR/rabbitmq/server.crt
		ssl_options.keyfile = $TLS_DIR/rabbitmq/server.key
		ssl_options.verify = verify_peer
		ssl_options.fail_if_no_peer_cert = false
		auth_mechanisms.1 = PLAIN
		auth_mechanisms.2 = AMQPLAIN
		auth_mechanisms.3 = EXTERNAL
		ssl_cert_login_from = common_name
	CONF
}

# rmq_write_conf writes the nodes' shared configuration. When it changes,
# running nodes are stopped so the loop below starts them with it.
rmq_write_conf() {
	local want tls
	tls=$(rmq_tls_conf)
	install -d -m 0755 "$(dirname "$RMQ_TLS_CONF")"
	if ! { [ -f "$RMQ_TLS_CONF" ] && [ "$(cat "$RMQ_TLS_CONF")" = "$tls" ]; }; then
		printf '%s\n' "$tls" >"$RMQ_TLS_CONF"
		rm -f "$OPSKIT_STATE/rabbitmq-tls-applied"
	fi
	# New certificates: restart the nodes below so they load them.
	[ -z "$TLS_CHANGED" ] || rm -f "$OPSKIT_STATE/rabbitmq-tls-applied"
	want=$(
		cat <<-CONF
			# Written by opskit's test-service scripts.
			# Broker logs are also published to amq.rabbitmq.log (logging tests).
			log.exchange = true
			log.exchange.level = info
		CONF
	)
	if [ -f "$RMQ_CONF" ] && [ "$(cat "$RMQ_CONF")" = "$want" ]; then
		return
	fi
	printf '%s\n' "$want" >"$RMQ_CONF"
	local n
	for n in "${RMQ_NODES[@]}"; do
		if rmq_node_alive "$n"; then
			step "restarting $n for the new rabbitmq.conf"
			rmq rabbitmqctl -n "$n" -q stop >/dev/null 2>&1 || true
		fi
	done
}

rabbitmq_up() {
	step "RabbitMQ 3-node cluster (${RMQ_NODES[*]})"
	apt_install rabbitmq-server
	# The Debian package may have started its own node on the default port.
	if [ ! -f "$RMQ_BASE/.initialised" ] && rmq rabbitmqctl -n "rabbit@$(hostname -s)" -q status >/dev/null 2>&1; then
		rmq rabbitmqctl -n "rabbit@$(hostname -s)" -q stop >/dev/null 2>&1 || true
	fi
	# enabled_plugins and rabbitmq.conf are shared by all three nodes.
	rabbitmq-plugins enable --offline $RMQ_PLUGINS >/dev/null
	rmq_write_conf
	local i name started=()
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
		rmq_start_node "$i"
		started[i]=1
	done
	for i in 1 2 3; do
		name=${RMQ_NODES[$((i - 1))]}
		rmq rabbitmqctl -n "$name" -q await_startup --timeout 120 >/dev/null ||
			die "RabbitMQ node $name did not start (logs: $RMQ_BASE/rabbit$i/log)"
	done
	# A node started without the TLS listener (by an older copy of this
	# script, or before the TLS settings changed) is restarted with it,
	# one at a time so the cluster keeps a majority.
	for i in 1 2 3; do
		name=${RMQ_NODES[$((i - 1))]}
		if { [ -f "$OPSKIT_STATE/rabbitmq-tls-applied" ] || [ -n "${started[i]:-}" ]; } &&
			port_open "${RMQ_TLS_PORTS[$((i - 1))]}"; then
			continue
		fi
		step "restarting $name with its TLS listeners"
		rmq rabbitmqctl -n "$name" -q stop >/dev/null 2>&1 || true
		rmq_start_node "$i"
		wait_for "RabbitMQ node $name (logs: $RMQ_BASE/rabbit$i/log)" 60 rmq_node_alive "$name"
		rmq rabbitmqctl -n "$name" -q await_startup --timeout 120 >/dev/null ||
			die "RabbitMQ node $name did not start (logs: $RMQ_BASE/rabbit$i/log)"
	done
	touch "$OPSKIT_STATE/rabbitmq-tls-applied"
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
	# The EXTERNAL user: no password, logs in with the client certificate.
	local users
	users=$(rmq rabbitmqctl -n "${RMQ_NODES[0]}" -q list_users --formatter json)
	if [[ $users != *"\"$TLS_CLIENT_CN\""* ]]; then
		rmq rabbitmqctl -n "${RMQ_NODES[0]}" -q add_user "$TLS_CLIENT_CN" "$(head -c 24 /dev/urandom | base64)" >/dev/null
		rmq rabbitmqctl -n "${RMQ_NODES[0]}" -q clear_password "$TLS_CLIENT_CN" >/dev/null
	fi
	rmq rabbitmqctl -n "${RMQ_NODES[0]}" -q set_permissions -p / "$TLS_CLIENT_CN" ".*" ".*" ".*" >/dev/null
	for i in 1 2 3; do
		wait_for "AMQP over TLS on port ${RMQ_TLS_PORTS[$((i - 1))]}" 30 tls_verify tls "127.0.0.1:${RMQ_TLS_PORTS[$((i - 1))]}"
		wait_for "the management API over HTTPS on port ${RMQ_MGMT_TLS_PORTS[$((i - 1))]}" 30 \
			curl -fsS --cacert "$TLS_DIR/ca.crt" -u guest:guest "https://127.0.0.1:${RMQ_MGMT_TLS_PORTS[$((i - 1))]}/api/overview"
	done
	ok "TLS listeners ${RMQ_TLS_PORTS[*]}, HTTPS management ${RMQ_MGMT_TLS_PORTS[*]}"
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
	local i n
	for i in 1 2 3; do
		n=${RMQ_NODES[$((i - 1))]}
		if ! rmq_running "$n"; then
			echo "rabbitmq $n: down"
		elif port_open "${RMQ_TLS_PORTS[$((i - 1))]}"; then
			echo "rabbitmq $n: up, TLS on ${RMQ_TLS_PORTS[$((i - 1))]}"
		else
			echo "rabbitmq $n: up, TLS listener missing (run up)"
		fi
	done
}
