# gshadow: ARGV[2] is the new group. A group gone from it goes here too;
# the removed users leave every admin and member list.
FILENAME == ARGV[2] { keep[$1] = 1; next }
{ if (($1 in del) && !($1 in keep)) next }
NF >= 4 { a = strip($3); m = strip($4); if (a != $3) $3 = a; if (m != $4) $4 = m }
{ print }
