# PostgreSQL 15: a primary on 127.0.0.1:5432 and a streaming hot standby on
# 127.0.0.1:5433, both with TLS from the test CA (tls.sh, sourced before this
# file) so clients can connect with sslmode=verify-full. Sourced by services.sh.
# shellcheck shell=bash

PG_VERSION=15
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
PG_CONF=/etc/postgresql/$PG_VERSION/main
PG_REPLICA=/var/lib/postgresql/$PG_VERSION/opskit-replica
PG_PRIMARY_PORT=${OPSKIT_PG_PRIMARY_PORT:-5432}
PG_REPLICA_PORT=${OPSKIT_PG_REPLICA_PORT:-5433}
# Test-only credentials for loopback servers; override through the environment.
PG_TEST_USER=${OPSKIT_PG_USER:-opskit}
PG_TEST_PASSWORD=${OPSKIT_PG_PASSWORD:-opskit}
PG_REPL_PASSWORD=${OPSKIT_PG_REPL_PASSWORD:-opskit-replication}

pg_psql() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql -p "$PG_PRIMARY_PORT" "$@"; }
pg_ready() { runuser -u postgres -- "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1"; }

# pg_tls_conf prints the TLS settings both servers load: the certificate
# for localhost/127.0.0.1 from the test CA, and the CA for client certificates.
pg_tls_conf() {
	cat <<-CONF
		# Written by opskit's test-service scripts.
		ssl = on
		ssl_cert_file = '$TLS_DIR/postgres/server.crt'
		ssl_key_file = '$TLS_DIR/postgres/server.key'
		ssl_ca_file = '$TLS_DIR/postgres/ca.crt'
		ssl_min_protocol_version = 'TLSv1.2'
	CONF
}

# pg_write_tls FILE writes the TLS settings to FILE; it reports (status 0)
# whether the file changed, so a running server is reloaded.
pg_write_tls() {
	local want
	want=$(pg_tls_conf)
	if [ -f "$1" ] && [ "$(cat "$1")" = "$want" ]; then
		return 1
	fi
	printf '%s\n' "$want" >"$1"
	chown postgres:postgres "$1"
	return 0
}

postgres_up() {
	step "PostgreSQL $PG_VERSION primary on 127.0.0.1:$PG_PRIMARY_PORT"
	apt_install postgresql postgresql-contrib
	if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
		pg_createcluster "$PG_VERSION" main --port "$PG_PRIMARY_PORT" >/dev/null
	fi
	local conf="$PG_CONF/conf.d/opskit-testenv.conf"
	if [ ! -f "$conf" ]; then
		cat >"$conf" <<-CONF
			# Written by opskit's test-service scripts.
			listen_addresses = '127.0.0.1'
			port = $PG_PRIMARY_PORT
			wal_level = replica
			max_wal_senders = 10
			wal_keep_size = '256MB'
			hot_standby_feedback = on
			shared_preload_libraries = 'pg_stat_statements'
			track_io_timing = on
		CONF
		pg_ctlcluster "$PG_VERSION" main stop >/dev/null 2>&1 || true
	fi
	if { pg_write_tls "$PG_CONF/conf.d/opskit-tls.conf" || [ -n "$TLS_CHANGED" ]; } && pg_ready "$PG_PRIMARY_PORT"; then
		pg_ctlcluster "$PG_VERSION" main reload
	fi
	if ! pg_ready "$PG_PRIMARY_PORT"; then
		pg_ctlcluster "$PG_VERSION" main start
	fi
	wait_for "the PostgreSQL primary" 60 pg_ready "$PG_PRIMARY_PORT"
	# Roles: a superuser for the tests and a replication role for the standby.
	pg_psql -v user="$PG_TEST_USER" -v pw="$PG_TEST_PASSWORD" -v rpw="$PG_REPL_PASSWORD" <<-'SQL'
		SET client_min_messages = warning;
		SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
		ALTER ROLE :"user" WITH LOGIN SUPERUSER PASSWORD :'pw';
		SELECT 'CREATE ROLE replicator' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'replicator') \gexec
		ALTER ROLE replicator WITH LOGIN REPLICATION PASSWORD :'rpw';
		CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
	SQL
	ok "primary ready"

	step "PostgreSQL $PG_VERSION streaming replica on 127.0.0.1:$PG_REPLICA_PORT"
	if [ ! -f "$PG_REPLICA/standby.signal" ]; then
		rm -rf "$PG_REPLICA"
		install -d -o postgres -g postgres -m 0700 "$PG_REPLICA"
		runuser -u postgres -- env PGPASSWORD="$PG_REPL_PASSWORD" "$PG_BIN/pg_basebackup" \
			-h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U replicator -D "$PG_REPLICA" -R -X stream -c fast
		install -o postgres -g postgres -m 0640 "$PG_CONF/pg_hba.conf" "$PG_REPLICA/pg_hba.conf"
		install -o postgres -g postgres -m 0640 "$PG_CONF/pg_ident.conf" "$PG_REPLICA/pg_ident.conf"
		cat >"$PG_REPLICA/postgresql.conf" <<-CONF
			# Written by opskit's test-service scripts.
			port = $PG_REPLICA_PORT
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '/var/run/postgresql'
			hot_standby = on
			hot_standby_feedback = on
			shared_preload_libraries = 'pg_stat_statements'
			logging_collector = off
			include_if_exists 'opskit-tls.conf'
		CONF
		chown postgres:postgres "$PG_REPLICA/postgresql.conf"
	fi
	# Replicas made before TLS: add the include once.
	grep -q "^include_if_exists 'opskit-tls.conf'" "$PG_REPLICA/postgresql.conf" ||
		echo "include_if_exists 'opskit-tls.conf'" >>"$PG_REPLICA/postgresql.conf"
	if { pg_write_tls "$PG_REPLICA/opskit-tls.conf" || [ -n "$TLS_CHANGED" ]; } && pg_ready "$PG_REPLICA_PORT"; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_REPLICA" reload >/dev/null
	fi
	if ! pg_ready "$PG_REPLICA_PORT"; then
		install -d -o postgres -g postgres -m 2775 /var/run/postgresql
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_REPLICA" -l "$PG_REPLICA/startup.log" -w -t 60 start >/dev/null
	fi
	wait_for "the PostgreSQL replica" 60 pg_ready "$PG_REPLICA_PORT"
	local rec
	rec=$(runuser -u postgres -- psql -X -At -h /var/run/postgresql -p "$PG_REPLICA_PORT" -c 'SELECT pg_is_in_recovery()')
	[ "$rec" = t ] || die "the server on port $PG_REPLICA_PORT is not in recovery"
	ok "replica ready and in recovery"
	local port
	for port in "$PG_PRIMARY_PORT" "$PG_REPLICA_PORT"; do
		wait_for "TLS with the test CA on port $port" 20 tls_verify postgres "127.0.0.1:$port"
	done
	ok "TLS with the test CA on $PG_PRIMARY_PORT and $PG_REPLICA_PORT"
}

postgres_down() {
	step "stopping PostgreSQL replica and primary"
	if [ -f "$PG_REPLICA/postmaster.pid" ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_REPLICA" -m fast -w stop >/dev/null || true
	fi
	pg_ctlcluster "$PG_VERSION" main stop >/dev/null 2>&1 || true
	ok "stopped"
}

postgres_status() {
	pg_ready "$PG_PRIMARY_PORT" && echo "postgres primary: up" || echo "postgres primary: down"
	pg_ready "$PG_REPLICA_PORT" && echo "postgres replica: up" || echo "postgres replica: down"
}
