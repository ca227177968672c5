package bulkfake_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
)

// Point a shipper at a server, make the next item fail with a per-item
// 429 as a busy cluster does, and read back what was stored.
func ExampleNewServer() {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	srv.RejectItems(1)
	body := `{"index":{"_index":"logs","_id":"a"}}` + "\n" + `{"message":"first"}` + "\n" +
		`{"index":{"_index":"logs","_id":"b"}}` + "\n" + `{"message":"second"}` + "\n"
	resp, err := http.Post(srv.URL+"/_bulk", "application/x-ndjson", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("HTTP", resp.StatusCode)
	for _, d := range srv.Docs("logs") {
		fmt.Printf("%s/%s %s\n", d.Index, d.ID, d.Source)
	}
	// Output:
	// HTTP 200
	// logs/b {"message":"second"}
}
