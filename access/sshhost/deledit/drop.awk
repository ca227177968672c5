# passwd and shadow: drop the lines of the removed accounts.
!($1 in del)
