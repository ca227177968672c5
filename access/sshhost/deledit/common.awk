# Shared by every account-file program of the vipw editor (editor.sh).
# ARGV[1] is the batch of accounts to remove, "name uid gid home" a line:
# del maps each name to its gid, uid holds each uid.
FILENAME == ARGV[1] { split($0, b, " "); del[b[1]] = b[3]; uid[b[2]] = 1; next }

# strip returns the comma-separated list s without the names in del.
function strip(s,  n, a, i, o) {
	n = split(s, a, ",")
	o = ""
	for (i = 1; i <= n; i++) if (!(a[i] in del)) o = o (o == "" ? "" : ",") a[i]
	return o
}
