# group: ARGV[2] is the new passwd. The removed users leave every member
# list; a removed user s private group (same name, its gid) goes when it
# has no members left and no account keeps it as its primary group.
FILENAME == ARGV[2] { prim[$4] = 1; next }
NF >= 4 { m = strip($4); if (($1 in del) && del[$1] == $3 && m == "" && !($3 in prim)) next; if (m != $4) $4 = m }
{ print }
