package bulk_test

import (
	"context"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
)

// Ship to Elasticsearch/OpenSearch; here the in-process bulk server
// stands in for the cluster and rejects the first items with 429.
func ExampleNewSink() {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	srv.RejectItems(1)
	sink, err := bulk.NewSink(bulk.Options{URL: srv.URL, IndexPrefix: "logs"})
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	batch := []logging.Event{
		{Time: at, Message: []byte("GET /health 200"), Origin: "app.log", Offset: 16},
		{Time: at, Message: []byte("GET /login 302"), Origin: "app.log", Offset: 31},
	}
	for range 2 { // a retried batch does not duplicate: same _id
		if _, err := sink.Write(context.Background(), batch); err != nil {
			panic(err)
		}
	}
	fmt.Println(srv.Indices(), len(srv.Docs("logs-")), "documents")
	// Output:
	// [logs-2026.11.27] 2 documents
}
