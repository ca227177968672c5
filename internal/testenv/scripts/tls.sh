# A test certificate authority and the certificates the services present,
# under /var/lib/opskit/tls. Sourced by services.sh.
#
#   ca.crt ca.key          the test CA (tests trust ca.crt)
#   server.crt server.key  for localhost, 127.0.0.1 and ::1
#   client.crt client.key  CN=opskit-client (RabbitMQ EXTERNAL user)
#   rabbitmq/ postgres/    copies of the server key each daemon may read
#
# Test-only material for loopback servers: the keys are readable by the
# tests whoever runs them. Wrong-CA and expired certificates for refusal
# tests are made by the tests themselves.
# shellcheck shell=bash

TLS_DIR=${OPSKIT_TLS_DIR:-/var/lib/opskit/tls}
TLS_CLIENT_CN=opskit-client
# TLS_CHANGED is set by tls_up when it made new certificates, so the
# services reload them.
TLS_CHANGED=""

# tls_fresh reports whether CERT exists and is valid for 30 more days.
tls_fresh() { [ -f "$1" ] && openssl x509 -in "$1" -noout -checkend 2592000 >/dev/null 2>&1; }

# tls_issue KEY CERT SUBJECT EXTFILE signs a new key pair with the test CA.
tls_issue() {
	local key=$1 cert=$2 subj=$3 ext=$4
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$key" -subj "$subj" -out "$cert.csr" 2>/dev/null
	openssl x509 -req -in "$cert.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
		-CAcreateserial -days 825 -sha256 -extfile "$ext" -out "$cert" 2>/dev/null
	rm -f "$cert.csr"
}

tls_up() {
	step "test CA and certificates in $TLS_DIR"
	apt_install openssl
	install -d -m 0755 "$TLS_DIR"
	local changed=""
	if ! tls_fresh "$TLS_DIR/ca.crt"; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" -days 3650 -sha256 \
			-subj "/O=opskit tests/CN=opskit test CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
		rm -f "$TLS_DIR/server.crt" "$TLS_DIR/client.crt"
		changed=1
	fi
	if ! tls_fresh "$TLS_DIR/server.crt"; then
		printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
			"extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" >"$TLS_DIR/server.ext"
		tls_issue "$TLS_DIR/server.key" "$TLS_DIR/server.crt" "/O=opskit tests/CN=localhost" "$TLS_DIR/server.ext"
		changed=1
	fi
	if ! tls_fresh "$TLS_DIR/client.crt"; then
		printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
			"extendedKeyUsage=clientAuth" >"$TLS_DIR/client.ext"
		tls_issue "$TLS_DIR/client.key" "$TLS_DIR/client.crt" "/O=opskit tests/CN=$TLS_CLIENT_CN" "$TLS_DIR/client.ext"
		changed=1
	fi
	chmod 0644 "$TLS_DIR"/*.crt "$TLS_DIR/client.key" "$TLS_DIR/server.key"
	chmod 0600 "$TLS_DIR/ca.key"
	# Each daemon reads its own copy, owned by it (PostgreSQL refuses a key
	# others can read).
	local svc
	for svc in rabbitmq postgres; do
		id -u "$svc" >/dev/null 2>&1 || continue
		install -d -m 0750 -o "$svc" -g "$svc" "$TLS_DIR/$svc"
		if [ -n "$changed" ] || ! cmp -s "$TLS_DIR/server.crt" "$TLS_DIR/$svc/server.crt"; then
			install -m 0644 -o "$svc" -g "$svc" "$TLS_DIR/server.crt" "$TLS_DIR/$svc/server.crt"
			install -m 0644 -o "$svc" -g "$svc" "$TLS_DIR/ca.crt" "$TLS_DIR/$svc/ca.crt"
			install -m 0600 -o "$svc" -g "$svc" "$TLS_DIR/server.key" "$TLS_DIR/$svc/server.key"
		fi
	done
	# shellcheck disable=SC2034 # read by postgres.sh and rabbitmq.sh
	TLS_CHANGED=$changed
	ok "CA $(openssl x509 -in "$TLS_DIR/ca.crt" -noout -fingerprint -sha256 | cut -d= -f2 | cut -c1-23)..."
}

# tls_verify PROTO HOST:PORT checks that the server at 127.0.0.1:PORT presents
# a certificate the test CA signed for 127.0.0.1. PROTO is "postgres" for
# STARTTLS-style negotiation or "tls" for a listener that speaks TLS at once.
tls_verify() {
	local starttls=()
	[ "$1" = tls ] || starttls=(-starttls "$1")
	openssl s_client "${starttls[@]}" -connect "$2" -CAfile "$TLS_DIR/ca.crt" \
		-verify_ip 127.0.0.1 -verify_return_error </dev/null >/dev/null 2>&1
}

tls_status() {
	tls_fresh "$TLS_DIR/server.crt" && echo "tls: certificates in $TLS_DIR" || echo "tls: missing or expiring"
}
