# opskit access host script. Run as root by a constant command line:
#   /bin/sh -c "<this script>" opskit-access snapshot [nokeys]|apply|facts
# Every piece of user data arrives on stdin as validated, space-separated
# records whose free-form parts are base64; nothing is ever evaluated.
# This file must not contain a single-quote character.
set -u
umask 077
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C
# The paths and names opskit manages, the probe addresses and the vipw
# editor come from the preamble sshhost puts before this script
# (preamble.go, from the constants of package access): MARK, CAFILE,
# REVOKED, PRINCIPALS, DROPIN, KEYSTORE, KEYSCONF, KEYSGROUP, KEYSWANT (the
# text of KEYSCONF), SUDOERS,
# PROBE_ADDRS, DELEDIT_*, and MAXKEYS, which bounds what is read of one key
# file: a user cannot make a snapshot fail, or the controller run out of
# memory, by growing one.
: "${MARK:?}" "${CAFILE:?}" "${REVOKED:?}" "${PRINCIPALS:?}" "${DROPIN:?}" "${KEYSTORE:?}" "${KEYSCONF:?}" "${KEYSGROUP:?}" "${SUDOERS:?}" "${MAXKEYS:?}" "${PROBE_ADDRS:?}"
: "${KEYSWANT:?}" "${DOCKERCONF:?}" "${DOCKERGROUP:?}" "${MAXENV:?}" "${SYSENV:?}" "${USERENV:?}" "${ENVVAR:?}"
TAB=$(printf "\t")
NL="
"

b64() { base64 -w0 "$@"; }

# as_user UID GID CMD... runs CMD with the account s own uid and gid, no
# supplementary groups and a minimal environment, bounded in time: the
# kernel then refuses whatever the account could not do itself. Root never
# follows a path inside a home; only this does.
as_user() {
	u=$1 g=$2
	shift 2
	if [ "$u" = 0 ]; then
		timeout -s KILL 20 env -i PATH="$PATH" LC_ALL=C "$@"
	else
		timeout -s KILL 20 env -i PATH="$PATH" LC_ALL=C setpriv --reuid="$u" --regid="$g" --clear-groups -- "$@"
	fi
}

# READKEYS runs as the account (as_user): for each path it prints one line
#   K<TAB>path<TAB>rawmode<TAB>perm<TAB>owner<TAB>group<TAB>size<TAB>base64
# from lstat (a link is reported as a link, never followed by root), with
# the content of a regular file (or of the file a link leads to) cut at
# MAXKEYS bytes.
READKEYS=$(cat <<"EORK"
max=$1
shift
T=$(printf "\t")
for f; do
	s=$(stat -c "%f$T%a$T%U$T%G$T%s" -- "$f" 2>/dev/null) || continue
	printf "K\t%s\t%s\t" "$f" "$s"
	# A link is read through (as the account), as sshd would read it.
	case $s in 8*) head -c "$max" -- "$f" 2>/dev/null | base64 -w0 ;; a*) if [ -f "$f" ]; then head -c "$max" -- "$f" 2>/dev/null | base64 -w0; fi ;; esac
	printf "\n"
done
EORK
)

# READENV runs as the account (as_user): for each regular file it prints
#   E<TAB>path<TAB>base64
# of the lines of its first MAXENV bytes that mention ENVVAR; nothing else
# of a login file (tokens, proxy passwords) leaves the host.
READENV=$(cat <<"EORE"
max=$1
var=$2
shift 2
for f; do
	[ -f "$f" ] || continue
	printf "E\t%s\t" "$f"
	head -c "$max" -- "$f" 2>/dev/null | grep -a -F -e "$var" | base64 -w0
	printf "\n"
done
EORE
)

# keyfiles prints, one per line, the files sshd reads keys from for
# account $name with home $home: the AuthorizedKeysFile list with %h, %u
# and %% expanded and relative paths taken from the home, and ~/.ssh.
keyfiles() {
	printf "%s\n" "$home/.ssh"
	for p in $AKF; do
		case $p in none) continue ;; esac
		r="" rest=$p
		while [ -n "$rest" ]; do
			case $rest in
			%%*) r="$r%" rest=${rest#%%} ;;
			%h*) r="$r$home" rest=${rest#%h} ;;
			%u*) r="$r$name" rest=${rest#%u} ;;
			*) c=${rest%"${rest#?}"} r="$r$c" rest=${rest#?} ;;
			esac
		done
		case $r in /*) ;; *) r="$home/$r" ;; esac
		printf "%s\n" "$r"
	done
}

# snapshot_keys prints a U line for each account with the files sshd reads
# keys from, its ~/.ssh and (for an account that can log in) its home.
snapshot_keys() {
	AKF=$(sshd -T 2>/dev/null | sed -n "s/^authorizedkeysfile //p")
	[ -n "$AKF" ] || AKF=".ssh/authorized_keys .ssh/authorized_keys2"
	# Each account s key files are read as the account (as_user), so a link
	# it plants cannot make root read or reveal anything; what it prints is
	# wrapped, bounded, so it can only describe its own files.
	# The home itself is read too for an account that can log in (a login
	# shell or key files), as sshd s StrictModes looks at it.
	while IFS=: read -r name _ uid gid _ home shell; do
		case $home in "" | *"$TAB"* | *"$NL"*) continue ;; esac
		set --
		while read -r f; do
			if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi
		done <<EOF
$(keyfiles)
EOF
		login=""
		case $shell in "" | */nologin | */false) ;; *) login=1 ;; esac
		if [ $# -gt 0 ] || [ -n "$login" ]; then
			if [ -d "$home" ] && [ "$home" != / ]; then set -- "$home" "$@"; fi
		fi
		[ $# -gt 0 ] || continue
		printf "U\t%s\t" "$name"
		as_user "$uid" "$gid" /bin/sh -c "$READKEYS" opskit-read "$MAXKEYS" "$@" </dev/null 2>/dev/null |
			timeout -s KILL 25 head -c $((MAXKEYS * 2 * $# + 65536)) | b64
		printf "\n"
	done </etc/passwd
}

snapshot() {
	printf "P\t"; b64 /etc/passwd; printf "\n"
	printf "G\t"; b64 /etc/group; printf "\n"
	# Only the lock flag and the expiry leave the host, never a hash.
	while IFS=: read -r n pw _ _ _ _ _ ex _; do
		case $pw in "!"*) l=1 ;; *) l=0 ;; esac
		printf "S\t%s\t%s\t%s\n" "$n" "$l" "${ex:--}"
	done </etc/shadow
	# "nokeys": nothing inside a home is read, and sshd -T is not needed.
	if [ "${1:-}" != nokeys ]; then snapshot_keys; fi
	# Root-owned files live in root-owned directories: one tar stream.
	set --
	for f in "$SUDOERS"* "$PRINCIPALS"/* "$KEYSTORE"/* "$CAFILE" "$REVOKED"; do
		if [ -f "$f" ] && [ ! -L "$f" ]; then set -- "$@" "$f"; fi
	done
	printf "T\t"
	if [ $# -gt 0 ]; then tar --no-recursion -cf - "$@" 2>/dev/null | b64; fi
	printf "\n"
	if keysconf_ok; then printf "C\t1\n"; else printf "C\t0\n"; fi
	printf "END\n"
}

# rm_present removes the files that exist, forking rm only when needed.
rm_present() {
	for f; do
		if [ -e "$f" ] || [ -L "$f" ]; then rm -f -- "$@"; return $?; fi
	done
	return 0
}

# fail prints a message and returns 1; notmanaged returns 3.
fail() { printf "%s\n" "$*"; return 1; }
notmanaged() { printf "user %s exists and is not managed by opskit\n" "$user"; return 3; }

check_user() {
	case $user in "" | -* | *[!a-z0-9_-]*) fail "invalid user name"; return 1 ;; esac
	return 0
}

# lookup finds $user in /etc/passwd with the shell s own read (no fork) and
# sets uid, gid, gecos and home.
lookup() {
	while IFS=: read -r lu_name _ uid gid gecos home _; do
		[ "$lu_name" = "$user" ] && return 0
	done </etc/passwd
	return 1
}

# passwd_text prints /etc/passwd between newlines, for the in-memory
# lookups below: one read of the file for many accounts, where lookup
# reads it (a byte a system call, as sh s read does) once per call.
passwd_text() { printf "\n%s\n" "$(cat /etc/passwd)"; }

# lookup_in TEXT finds $user in TEXT (from passwd_text) and sets uid, gid,
# gecos and home, as lookup does. User names are checked first
# ([a-z0-9_-]), so none is a pattern.
lookup_in() {
	case $1 in *"$NL$user:"*) ;; *) return 1 ;; esac
	lu_line=${1#*"$NL$user:"}
	lu_line=${lu_line%%"$NL"*}
	oldifs=$IFS
	IFS=:
	set -f
	# shellcheck disable=SC2086 # split on colons, globbing off
	set -- $lu_line
	set +f
	IFS=$oldifs
	uid=${2:-} gid=${3:-} gecos=${4:-} home=${5:-}
}

# homes_in TEXT prints, between newlines, the home of every account in TEXT.
homes_in() {
	oldifs=$IFS
	IFS=$NL
	set -f
	printf "\n"
	for hl in $1; do
		hl=${hl#*:*:*:*:*:}
		printf "%s\n" "${hl%%:*}"
	done
	set +f
	IFS=$oldifs
}

# managed succeeds for an existing account opskit manages.
managed() {
	lookup || { fail "no such user"; return 1; }
	[ "$gecos" = "$MARK" ] || { notmanaged; return 3; }
}

# install_root_file DEST MODE decodes $data into a new temporary file with
# an unpredictable name beside DEST (a root-owned directory), sets MODE and
# renames it over DEST.
install_root_file() {
	tmp=$(mktemp "${1%/*}/.opskit.XXXXXXXXXX") || return 1
	if base64 -d >"$tmp" <<EOF
$data
EOF
	then
		chmod "$2" "$tmp" && mv -f "$tmp" "$1" && return 0
	fi
	rm -f "$tmp"
	return 1
}

# shell_ok succeeds for a shell listed in the host s /etc/shells, or one of
# the usual no-login shells.
shell_ok() {
	case $shell in /usr/sbin/nologin | /sbin/nologin | /bin/false | /usr/bin/false) return 0 ;; esac
	while read -r sh_line; do
		[ "$sh_line" = "$shell" ] && return 0
	done </etc/shells
	fail "shell $shell is not in /etc/shells"
}

op_user() {
	shell_ok || return 1
	oldifs=$IFS
	IFS=,
	for g in $groups; do
		IFS=$oldifs
		# Another apply may create the group between the check and
		# groupadd: then it exists, which is all this needs.
		getent group "$g" >/dev/null || groupadd "$g" || getent group "$g" >/dev/null || return 1
	done
	IFS=$oldifs
	if lookup; then
		managed || return $?
		usermod -s "$shell" -G "$groups" -e "$expires" -p "*" "$user" || return 1
	else
		useradd -m -c "$MARK" -s "$shell" -G "$groups" -e "$expires" -p "*" "$user" || return 1
	fi
}

# WRITEKEYS runs as the user (as_user) with the new keys on stdin: it makes
# ~/.ssh a 0700 directory (a link there is removed, not followed), writes a
# 0600 temporary file with an unpredictable name in it and renames it over
# authorized_keys. Whatever the user does to the path meanwhile, the kernel
# lets this do only what the user could do.
WRITEKEYS=$(cat <<"EOWK"
set -u
umask 077
cd -- "$1" || exit 1
if [ -L .ssh ]; then rm -f .ssh || exit 1; fi
if [ ! -d .ssh ]; then mkdir .ssh || exit 1; fi
chmod 700 .ssh || exit 1
t=$(mktemp .ssh/.authorized_keys.XXXXXXXXXX) || exit 1
if cat >"$t" && chmod 600 "$t" && mv -f "$t" .ssh/authorized_keys; then exit 0; fi
rm -f "$t"
exit 1
EOWK
)

# decode writes $data to a new root-private file in $work and prints its name.
decode() {
	f=$(mktemp "$work/d.XXXXXXXXXX") || return 1
	base64 -d >"$f" <<EOF || return 1
$data
EOF
	printf "%s" "$f"
}

op_keys() {
	managed || return $?
	[ -d "$home" ] || { fail "home $home missing"; return 1; }
	k=$(decode) || return 1
	as_user "$uid" "$gid" /bin/sh -c "$WRITEKEYS" opskit-keys "$home" <"$k"
	st=$?
	rm -f "$k"
	[ $st -eq 0 ] || fail "cannot write $home/.ssh/authorized_keys as $user"
}

# keystore makes the root-owned directory of authorized keys files.
keystore() {
	if [ -L "$KEYSTORE" ] || { [ -e "$KEYSTORE" ] && [ ! -d "$KEYSTORE" ]; }; then fail "$KEYSTORE is not a directory"; return 1; fi
	mkdir -p "$KEYSTORE" && chown root:root "$KEYSTORE" && chmod 0755 "$KEYSTORE"
}

# op_rootkeys writes the user s keys to $KEYSTORE/USER, root-owned: sshd
# reads only that file for members of $KEYSGROUP (see op_keysconf).
op_rootkeys() {
	f=$KEYSTORE/$user
	if [ -z "$data" ]; then rm -f "$f"; return $?; fi
	managed || return $?
	keystore || return 1
	install_root_file "$f" 0644
}

# keysconf_ok succeeds when the keys group, the directory and the drop-in
# are in place.
keysconf_ok() {
	getent group "$KEYSGROUP" >/dev/null && [ -d "$KEYSTORE" ] && [ ! -L "$KEYSTORE" ] &&
		[ -f "$KEYSCONF" ] && [ ! -L "$KEYSCONF" ] && [ "$(cat "$KEYSCONF")" = "$KEYSWANT" ]
}

# op_keysconf makes sshd read the keys of $KEYSGROUP members only from
# $KEYSTORE, through a drop-in checked by sshd -t.
op_keysconf() {
	getent group "$KEYSGROUP" >/dev/null || groupadd -r "$KEYSGROUP" || return 1
	keystore || return 1
	want=$KEYSWANT
	if [ -f "$KEYSCONF" ] && [ "$(cat "$KEYSCONF")" = "$want" ]; then return 0; fi
	printf "%s\n" "$want" >"$KEYSCONF.tmp" && chmod 0644 "$KEYSCONF.tmp" && mv -f "$KEYSCONF.tmp" "$KEYSCONF" || return 1
	if ! sshd -t 2>&1; then rm -f "$KEYSCONF"; fail "sshd -t rejected the configuration"; return 1; fi
	reload_sshd
}

# end_sessions kills every process of the uids in $1 (comma-separated, as
# pkill -u takes them) until none is left (a process forking while pkill
# walks /proc is caught by the next pass).
end_sessions() {
	i=0
	while pkill -KILL -u "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 20 ] || break
		sleep 0.05
	done
	return 0
}

op_sudo() {
	f=$SUDOERS$user
	if [ -z "$data" ]; then rm -f "$f"; return $?; fi
	managed || return $?
	tmp=$(mktemp /etc/sudoers.d/.opskit.XXXXXXXXXX) || return 1
	if base64 -d >"$tmp" <<EOF
$data
EOF
	then
		if chmod 0440 "$tmp" && visudo -cqf "$tmp" >/dev/null 2>&1; then
			mv -f "$tmp" "$f"
			return $?
		fi
	fi
	rm -f "$tmp"
	fail "sudoers drop-in rejected by visudo -c"
}

# write_deledit DIR writes the vipw editor (deledit/editor.sh in the
# sources; DELEDIT_EDITOR and the DELEDIT_* awk programs come from the
# preamble sshhost puts before this script) into DIR and prints its path.
write_deledit() {
	mkdir "$1" || return 1
	printf "%s\n" "$DELEDIT_EDITOR" >"$1/editor.sh" &&
		printf "%s\n" "$DELEDIT_COMMON" >"$1/common.awk" &&
		printf "%s\n" "$DELEDIT_DROP" >"$1/drop.awk" &&
		printf "%s\n" "$DELEDIT_GROUP" >"$1/group.awk" &&
		printf "%s\n" "$DELEDIT_GSHADOW" >"$1/gshadow.awk" &&
		printf "%s\n" "$DELEDIT_SUBID" >"$1/subid.awk" &&
		printf "%s" "$1/editor.sh"
}

op_deluser() {
	lookup || return 0
	managed || return $?
	rm_present "$SUDOERS$user" "$PRINCIPALS/$user" "$KEYSTORE/$user"
	# Revoked means out now: end the user s running sessions too.
	end_sessions "$uid"
	userdel -f -r "$user" >/dev/null 2>&1
	if lookup; then fail "userdel failed"; return 1; fi
	return 0
}

# op_lock locks and expires the account first (no new login), ends its
# sessions, removes the root-owned files that grant access, and removes
# ~/.ssh/authorized_keys as the user (a link there is the user s own mess:
# the kernel stops it reaching anything else, and the expired account
# cannot log in with it).
op_lock() {
	managed || return $?
	usermod -L -e 1 "$user" || return 1
	end_sessions "$uid"
	rm -f "$SUDOERS$user" "$PRINCIPALS/$user" "$KEYSTORE/$user" || return 1
	if [ -d "$home" ]; then as_user "$uid" "$gid" rm -f -- "$home/.ssh/authorized_keys" </dev/null >/dev/null 2>&1; fi
	return 0
}

op_principals() {
	f=$PRINCIPALS/$user
	if [ -z "$data" ]; then rm -f "$f"; return $?; fi
	managed || return $?
	mkdir -p "$PRINCIPALS" && chmod 0755 "$PRINCIPALS" || return 1
	install_root_file "$f" 0644
}

reload_sshd() {
	if [ -d /run/systemd/system ]; then
		systemctl reload ssh 2>/dev/null || systemctl reload sshd
		return $?
	fi
	# Without systemd, signal the listener: the sshd whose parent is not sshd.
	for p in /proc/[0-9]*; do
		read -r c <"$p/comm" 2>/dev/null || continue
		[ "$c" = sshd ] || continue
		pp=$(cut -d" " -f4 "$p/stat" 2>/dev/null) || continue
		pc=
		[ "$pp" -gt 0 ] 2>/dev/null && read -r pc <"/proc/$pp/comm" 2>/dev/null
		[ "$pc" = sshd ] && continue
		kill -HUP "${p#/proc/}"
		return $?
	done
	fail "no sshd listener found"
}

op_trustca() {
	install_root_file "$CAFILE" 0644 || return 1
	[ -f "$REVOKED" ] || { : >"$REVOKED" && chmod 0644 "$REVOKED"; } || return 1
	mkdir -p "$PRINCIPALS" && chmod 0755 "$PRINCIPALS" || return 1
	want="TrustedUserCAKeys $CAFILE
AuthorizedPrincipalsFile $PRINCIPALS/%u
RevokedKeys $REVOKED"
	if [ -f "$DROPIN" ] && [ "$(cat "$DROPIN")" = "$want" ]; then return 0; fi
	printf "%s\n" "$want" >"$DROPIN.tmp" && chmod 0644 "$DROPIN.tmp" && mv -f "$DROPIN.tmp" "$DROPIN" || return 1
	if ! sshd -t 2>&1; then rm -f "$DROPIN"; fail "sshd -t rejected the configuration"; return 1; fi
	reload_sshd
}

op_revoked() { install_root_file "$REVOKED" 0644; }

do_op() {
	case $kind in
	user | keys | rootkeys | sudo | deluser | lock | principals) check_user || return 1 ;;
	esac
	case $kind in
	user) op_user ;;
	keys) op_keys ;;
	rootkeys) op_rootkeys ;;
	keysconf) op_keysconf ;;
	sudo) op_sudo ;;
	deluser) op_deluser ;;
	lock) op_lock ;;
	principals) op_principals ;;
	trustca) op_trustca ;;
	revoked) op_revoked ;;
	*) fail "unknown op" ;;
	esac
}

# Removals are batched: each deluser op is checked and queued, and a run of
# them is applied in one locked edit of the account files (see write_deledit), one
# pkill for all their processes, then the homes and mail spools. userdel
# costs about 25 ms an account (it rewrites and fsyncs six files per call);
# the batch costs that once. Results stay per op and in order: once one is
# queued, later results wait in $work/res until the batch has run.
queue_deluser() {
	if ! check_user >"$errf" 2>&1; then errline "$n" 1 "$errf" >>"$work/res"; return; fi
	# A run of removals reads /etc/passwd once (pwcache, emptied by any
	# other op) and checks each account against that read as it is
	# queued, as lookup did; the batch then runs under vipw s lock.
	[ -n "$pwcache" ] || pwcache=$(passwd_text)
	if ! lookup_in "$pwcache"; then printf "ok %d\n" "$n" >>"$work/res"; return; fi
	if [ "$gecos" != "$MARK" ]; then notmanaged >"$errf" 2>&1; errline "$n" 3 "$errf" >>"$work/res"; return; fi
	rm_present "$SUDOERS$user" "$PRINCIPALS/$user" "$KEYSTORE/$user"
	printf "%s %s %s %s\n" "$user" "$uid" "$gid" "$home" >>"$work/batch"
	printf "Q %d %s\n" "$n" "$user" >>"$work/res"
}

# errline N ST FILE [PREFIX] prints op N s failure line: its status and the
# first 300 characters of FILE (the op s output) on one line.
errline() {
	printf "err %s %s %s%s\n" "$1" "$2" "${4:-}" "$(tr "\n\t\r" "   " <"$3" | cut -c1-300)"
}

run_deluser_batch() {
	[ -s "$work/batch" ] || return 0
	uids=
	while read -r _ buid _; do uids="$uids${uids:+,}$buid"; done <"$work/batch"
	# Revoked means out now: end the users running sessions too.
	end_sessions "$uids"
	if ! ed=$(write_deledit "$work/ed") || ! EDITOR="/bin/sh $ed $work/batch" vipw -q </dev/null >"$work/vipw" 2>&1; then
		# No shadow-utils vipw, or the edit failed and changed nothing:
		# userdel one at a time.
		while read -r user _; do op_deluser >>"$work/vipw" 2>&1 </dev/null; done <"$work/batch"
	fi
	# The mail spools and homes of the users now gone go in one rm each,
	# not two forks a user. User names are checked ([a-z0-9_-]), so the
	# spools list splits safely; homes, from /etc/passwd, are arguments.
	# /etc/passwd is read once more, after the edit: who is gone, and
	# which homes others still use.
	remaining=$(passwd_text)
	homes=$(homes_in "$remaining")$NL
	mails=
	set --
	while read -r user _ _ bhome; do
		lookup_in "$remaining" && continue
		if [ -e "/var/mail/$user" ] || [ -L "/var/mail/$user" ]; then mails="$mails /var/mail/$user"; fi
		case $bhome in "" | / | /root | /home) continue ;; esac
		case $homes in *"$NL$bhome$NL"*) continue ;; esac
		set -- "$@" "$bhome"
	done <"$work/batch"
	if [ -n "$mails" ]; then
		set -f
		# shellcheck disable=SC2086 # checked names, split on spaces, globbing off
		rm -f -- $mails
		set +f
	fi
	if [ $# -gt 0 ]; then rm -rf -- "$@"; fi
}

# flush_results runs the queued removals and prints the results held back.
# It runs in a subshell so the op being read keeps its fields.
flush_results() (
	[ -s "$work/res" ] || return 0
	remaining=
	run_deluser_batch
	while read -r line; do
		case $line in
		"Q "*)
			line=${line#Q }
			user=${line#* }
			if lookup_in "$remaining"; then
				errline "${line%% *}" 1 "$work/vipw" "userdel failed: "
			else
				printf "ok %s\n" "${line%% *}"
			fi
			;;
		*) printf "%s\n" "$line" ;;
		esac
	done <"$work/res"
	: >"$work/res"
	: >"$work/batch"
)

cleanup_apply() { rm -rf "$errf" "$work"; }

apply() {
	n=0
	# Ops run in this shell (no subshell per op); their output goes to a
	# private file read back only when an op fails.
	errf=$(mktemp) || exit 1
	work=$(mktemp -d) || exit 1
	trap cleanup_apply EXIT
	: >"$work/res"
	: >"$work/batch"
	pwcache=
	while read -r kind user shell groups expires data; do
		n=$((n + 1))
		[ "$user" = - ] && user=
		[ "$shell" = - ] && shell=
		[ "$groups" = - ] && groups=
		[ "$expires" = - ] && expires=
		[ "$data" = - ] && data=
		if [ "$kind" = deluser ]; then
			queue_deluser </dev/null
			continue
		fi
		pwcache=
		if [ -s "$work/res" ]; then flush_results; fi
		do_op >"$errf" 2>&1 </dev/null
		st=$?
		if [ $st -eq 0 ]; then
			printf "ok %d\n" "$n"
		else
			errline "$n" "$st" "$errf"
		fi
	done
	flush_results
	printf "END\n"
}


# may_match succeeds unless sshd_config and every file it Includes
# (recursively, globs expanded, relative paths under /etc/ssh) are readable
# and hold no Match line (opskit s own keys drop-in aside): without one,
# every connection gets the global settings and sshd -T need not run per
# account and address. Anything unexpected counts as a Match.
may_match() {
	todo=/etc/ssh/sshd_config
	depth=0
	while [ -n "$todo" ]; do
		depth=$((depth + 1))
		[ $depth -le 16 ] || return 0
		next=
		for f in $todo; do
			[ -f "$f" ] && [ -r "$f" ] || return 0
			# opskit s own keys drop-in holds a Match that sets only
			# AuthorizedKeysFile, which the snapshot reads for itself.
			if [ "$f" = "$KEYSCONF" ] && [ "$(cat "$f")" = "$KEYSWANT" ]; then continue; fi
			if grep -qi "^[[:space:]]*match[[:space:]]" "$f"; then return 0; fi
			incs=$(awk "tolower(\$1) == \"include\" { for (i = 2; i <= NF; i++) print \$i }" "$f") || return 0
			for inc in $incs; do
				case $inc in /*) ;; *) inc=/etc/ssh/$inc ;; esac
				case $inc in *[!A-Za-z0-9/._*?-]*) return 0 ;; esac
				for g in $inc; do
					[ -e "$g" ] && next="$next $g"
				done
			done
		done
		todo=$next
	done
	return 1
}

facts() {
	printf "SSHD\t"
	if glob=$(sshd -T -C user=opskit-audit,host=none,addr=none 2>&1); then
		printf "0\t"
	else
		printf "1\t"
	fi
	printf "%s" "$glob" | b64; printf "\n"
	# The effective settings for root and every managed account from each
	# probe address, so Match blocks are seen; "=" stands for the same
	# output as above, which saves sending it again. Without a Match line
	# anywhere in the configuration, each is the global output.
	users=root
	while IFS=: read -r n _ _ _ g _; do
		[ "$g" = "$MARK" ] && users="$users $n"
	done </etc/passwd
	permatch=0
	may_match && permatch=1
	for u in $users; do
		case $u in "" | -* | *[!a-z0-9_-]*) continue ;; esac
		for a in $PROBE_ADDRS; do
			if [ $permatch = 0 ]; then
				printf "MATCH\t%s\t%s\t0\t=\n" "$u" "$a"
				continue
			fi
			if out=$(sshd -T -C "user=$u,host=$a,addr=$a" 2>&1); then st=0; else st=1; fi
			printf "MATCH\t%s\t%s\t%s\t" "$u" "$a" "$st"
			if [ "$out" = "$glob" ]; then printf "=\n"; else printf "%s" "$out" | b64; printf "\n"; fi
		done
	done
	n=0
	for f in /var/lib/apt/lists/*_Packages; do [ -f "$f" ] && n=$((n + 1)); done
	printf "LISTS\t%d\n" "$n"
	printf "APT\t"
	if out=$(apt-get -s -o Debug::NoLocking=1 upgrade 2>&1); then printf "0\t"; else printf "1\t"; fi
	printf "%s" "$out" | b64; printf "\n"
	if [ -f /var/run/reboot-required ]; then
		printf "REBOOT\t1\t"
		if [ -f /var/run/reboot-required.pkgs ]; then b64 /var/run/reboot-required.pkgs; fi
		printf "\n"
	else
		printf "REBOOT\t0\t\n"
	fi
	pull_env
	printf "END\n"
}

# pull_env prints what governs image pulls: the Docker daemon s
# configuration, and the lines mentioning ENVVAR of the system-wide login
# environment files and of root s and each docker group member s own
# environment files, read as that user.
pull_env() {
	printf "DOCKERD\t"
	if [ -f "$DOCKERCONF" ] && [ ! -L "$DOCKERCONF" ]; then
		printf "1\t"; head -c "$MAXENV" -- "$DOCKERCONF" | b64
	else
		printf "0\t"
	fi
	printf "\n"
	for f in $SYSENV; do
		if [ -f "$f" ]; then printf "ENV\t%s\t" "$f"; head -c "$MAXENV" -- "$f" | grep -a -F -e "$ENVVAR" | b64; printf "\n"; fi
	done
	members=$(getent group "$DOCKERGROUP" | cut -d: -f4)
	oldifs=$IFS
	IFS=,
	set -f
	# shellcheck disable=SC2086 # split on commas, globbing off
	set -- root $members
	set +f
	IFS=$oldifs
	# One read of /etc/passwd serves every member (lookup_in).
	pw=$(passwd_text)
	# The loop s list is expanded once, so set -- below does not change it.
	for user; do
		case $user in "" | -* | *[!a-z0-9_-]*) continue ;; esac
		lookup_in "$pw" || continue
		printf "PULLER\t%s\t" "$user"
		set --
		for n in $USERENV; do
			if [ -e "$home/$n" ] || [ -L "$home/$n" ]; then set -- "$@" "$home/$n"; fi
		done
		if [ $# -gt 0 ]; then
			as_user "$uid" "$gid" /bin/sh -c "$READENV" opskit-env "$MAXENV" "$ENVVAR" "$@" </dev/null 2>/dev/null |
				timeout -s KILL 25 head -c $((MAXENV * 6 + 4096)) | b64
		fi
		printf "\n"
	done
}

case ${1:-} in
snapshot) snapshot "${2:-}" ;;
apply) apply ;;
facts) facts ;;
*) echo "usage: snapshot|apply|facts" >&2; exit 2 ;;
esac
