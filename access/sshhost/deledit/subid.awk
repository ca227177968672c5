# subuid and subgid: drop the ranges of the removed accounts, by name or uid.
!(($1 in del) || ($1 in uid))
