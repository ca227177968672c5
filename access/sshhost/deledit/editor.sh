# opskit vipw editor: removes a batch of accounts from every account file
# in one locked edit. host.sh writes it with the awk programs beside it and
# runs it as vipw s editor, while vipw holds lckpwdf and /etc/passwd.lock:
#   /bin/sh editor.sh BATCH COPY
# BATCH lists the accounts to remove ("name uid gid home" per line), COPY is
# vipw s copy of /etc/passwd, which vipw installs when this exits 0. It takes
# the shadow-utils link locks of the other account files, writes each new
# file beside the old one (same mode and owner, fsync d), and renames them
# only when all are written, so a failure leaves every file as it was.
# This file must not contain a single-quote character.
set -u
umask 077
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
# The awk programs are beside this file.
awkdir=${0%/*}
batch=$1 pwcopy=$2 locked="" staged=""
cleanup() {
	for f in $staged; do rm -f "$f+"; done
	for f in $locked; do rm -f "$f.lock"; done
}
trap cleanup EXIT
lockfile() {
	t="$1.$$"
	printf "%d" $$ >"$t" || return 1
	i=0
	until ln "$t" "$1.lock" 2>/dev/null; do
		p=
		read -r p <"$1.lock" 2>/dev/null || :
		if [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null; then rm -f "$1.lock"; continue; fi
		i=$((i + 1))
		if [ $i -ge 100 ]; then rm -f "$t"; echo "$1 is locked by process $p"; return 1; fi
		sleep 0.05
	done
	rm -f "$t"
	locked="$locked $1"
}
# edit PROGRAM FILES... runs common.awk and PROGRAM.awk over FILES.
edit() {
	p=$1
	shift
	awk -F: -v OFS=: -f "$awkdir/common.awk" -f "$awkdir/$p.awk" "$@"
}
# stage F PROGRAM ARGS...: the new F from edit into F+ (F s mode and owner).
stage() {
	f=$1
	shift
	cp -p "$f" "$f+" && staged="$staged $f" && edit "$@" >"$f+" && sync "$f+"
}
files=
for f in /etc/shadow /etc/group /etc/gshadow /etc/subuid /etc/subgid; do
	[ -f "$f" ] && files="$files $f"
done
for f in $files; do lockfile "$f" || exit 1; done
newpw=$pwcopy.opskit
before=$(stat -c %Y "$pwcopy") || exit 1
edit drop "$batch" "$pwcopy" >"$newpw" || exit 1
for f in $files; do
	case $f in
	/etc/group) stage "$f" group "$batch" "$newpw" "$f" ;;
	/etc/gshadow) stage "$f" gshadow "$batch" /etc/group+ "$f" ;;
	/etc/subuid | /etc/subgid) stage "$f" subid "$batch" "$f" ;;
	*) stage "$f" drop "$batch" "$f" ;;
	esac || exit 1
done
for f in $files; do ln -f "$f" "$f-" && mv -f "$f+" "$f" || exit 1; done
staged=
cat "$newpw" >"$pwcopy" && rm -f "$newpw" || exit 1
# vipw installs the copy only if its mtime (in whole seconds) moved.
[ "$(stat -c %Y "$pwcopy")" != "$before" ] || touch -m -d "@$((before + 1))" "$pwcopy"
