package databasefake_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
)

// A Router over the fake cluster: stale reads on a paused standby,
// read-your-writes through a Session, and a failover.
func ExampleCluster_Nodes() {
	ctx := context.Background()
	c := databasefake.NewCluster(1, nil)
	// Reads count the orders the serving node has replayed.
	c.SetAnswer(func(q databasefake.Query) ([][]any, error) {
		n := 0
		for _, st := range q.Replayed {
			if strings.HasPrefix(st.SQL, "INSERT INTO orders") {
				n++
			}
		}
		return [][]any{{n}}, nil
	})
	r, err := database.NewRouter(ctx, c.Nodes(), database.RouterOptions{ReadYourWritesTimeout: 10 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	count := func(read func(context.Context, func(context.Context, database.Querier) error) (database.Served, error)) {
		var n int
		served, err := read(ctx, func(ctx context.Context, q database.Querier) error {
			return q.QueryRow(ctx, "SELECT count(*) FROM orders").Scan(&n)
		})
		fmt.Println(served.Node, n, err)
	}

	_, _ = r.Exec(ctx, "INSERT INTO orders VALUES ($1)", 1)
	c.PauseReplay(1)
	_, _ = r.Exec(ctx, "INSERT INTO orders VALUES ($1)", 2)
	count(r.ReadServed) // the standby, within the lag bounds, has one

	s := r.Session()
	_ = s.Write(ctx, func(ctx context.Context, q database.Querier) error {
		_, err := q.Exec(ctx, "INSERT INTO orders VALUES ($1)", 3)
		return err
	})
	count(s.ReadServed) // the session must see its write: the primary

	c.ResumeReplay(1)
	c.Stop(0)
	c.Promote(1)
	_, err = r.Exec(ctx, "INSERT INTO orders VALUES ($1)", 4)
	fmt.Println("write while the primary is down failed:", err != nil)
	_, err = r.Exec(ctx, "INSERT INTO orders VALUES ($1)", 4)
	st, _ := r.StatusOf("node1:5432")
	fmt.Println("write after the promotion:", err, "primary:", st.Primary)
	// Output:
	// node1:5432 1 <nil>
	// node0:5432 3 <nil>
	// write while the primary is down failed: true
	// write after the promotion: <nil> primary: true
}
