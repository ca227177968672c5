package bulk_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
)

var fastBackoff = logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}

func batch(n int, stream string, at time.Time) []logging.Event {
	var out []logging.Event
	for i := 0; i < n; i++ {
		out = append(out, logging.Event{Time: at, Message: []byte(fmt.Sprintf("msg %05d %s", i, strings.Repeat("p", 100))),
			Stream: stream, Origin: "file-1", Offset: int64(i + 1)})
	}
	return out
}

func TestPerItem429RetriedOnly(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	s, _ := bulk.NewSink(bulk.Options{URL: srv.URL, Backoff: fastBackoff})
	srv.RejectItems(150)
	evs := batch(100, "app", time.Now())
	evs[7].Message = []byte("ok") // valid
	res, err := s.Write(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Docs("")); got != 100 || len(res.Rejected) != 0 {
		t.Fatalf("stored %d, rejected %v; want 100 stored", got, res.Rejected)
	}
	if res.Requests != 3 { // 100 rejected, then 50 rejected, then 50 stored
		t.Fatalf("requests %d; want 3", res.Requests)
	}
}

func Test413Split(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{MaxContentLength: 64 << 10}) // server accepts 64 KiB
	defer srv.Close()
	s, _ := bulk.NewSink(bulk.Options{URL: srv.URL, MaxBytes: 1 << 20, Backoff: fastBackoff}) // client thinks 1 MiB
	res, err := s.Write(context.Background(), batch(2000, "app", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Docs("")); got != 2000 || len(res.Rejected) != 0 {
		t.Fatalf("stored %d rejected %d; want 2000, 0", got, len(res.Rejected))
	}
	t.Logf("2000 events (≈%d KiB) through a 64 KiB limit: %d requests after 413 splits", 2000*300/1024, res.Requests)
}

func TestRetriedBatchDoesNotDuplicate(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	for _, create := range []bool{false, true} {
		s, _ := bulk.NewSink(bulk.Options{URL: srv.URL, IndexPrefix: fmt.Sprintf("c%v", create), Create: create, Backoff: fastBackoff})
		evs := batch(50, "", time.Now())
		for i := 0; i < 3; i++ {
			if res, err := s.Write(context.Background(), evs); err != nil || len(res.Rejected) != 0 {
				t.Fatalf("create=%v write %d: %v %v", create, i, res.Rejected, err)
			}
		}
		if got := len(srv.Docs(fmt.Sprintf("c%v", create))); got != 50 {
			t.Fatalf("create=%v: stored %d after 3 writes of 50; want 50", create, got)
		}
	}
}

func TestWholeRequest429And503Retried(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	s, _ := bulk.NewSink(bulk.Options{URL: srv.URL, Backoff: fastBackoff})
	srv.FailRequests(2, http.StatusTooManyRequests)
	if _, err := s.Write(context.Background(), batch(10, "", time.Now())); err != nil {
		t.Fatal(err)
	}
	srv.FailRequests(100, http.StatusServiceUnavailable)
	_, err := s.Write(context.Background(), batch(10, "", time.Now()))
	var be *bulk.Error
	if !errors.As(err, &be) {
		t.Fatalf("Write during a long outage = %v; want *bulk.Error after MaxAttempts", err)
	}
}

func TestBadDocumentRejectedNotRetried(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	s, _ := bulk.NewSink(bulk.Options{URL: srv.URL, Backoff: fastBackoff, Index: func(ev *logging.Event) string {
		if string(ev.Message) == "bad" {
			return "Bad_Index" // uppercase: invalid_index_name_exception
		}
		return "good"
	}})
	evs := []logging.Event{{Time: time.Now(), Message: []byte("a")}, {Time: time.Now(), Message: []byte("bad")}, {Time: time.Now(), Message: []byte("c")}}
	res, err := s.Write(context.Background(), evs)
	if err != nil || len(res.Rejected) != 1 || res.Rejected[0].Index != 1 || res.Rejected[0].Reason != logging.ReasonInvalid {
		t.Fatalf("Write = %+v, %v; want event 1 rejected as invalid", res, err)
	}
	if res.Requests != 1 {
		t.Fatalf("requests %d; a 400 item must not be retried", res.Requests)
	}
}

func TestDailyIndices(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{})
	defer srv.Close()
	s, _ := bulk.NewSink(bulk.Options{URL: srv.URL, IndexPrefix: "app"})
	day1 := time.Date(2026, 3, 1, 23, 59, 0, 0, time.UTC)
	evs := append(batch(2, "", day1), batch(2, "Web", day1.Add(2*time.Minute))...)
	if _, err := s.Write(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(srv.Indices(), ",")
	if got != "app-2026.03.01,app-web-2026.03.02" {
		t.Fatalf("indices %s", got)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []bulk.Options{{}, {URL: "ftp://x"}, {URL: "http://u:secret@h:9200"}, {URL: "http://h", IndexPrefix: "Bad"}, {URL: "http://h", MaxBytes: 10}} {
		_, err := bulk.NewSink(o)
		if !errors.Is(err, logging.ErrInvalid) {
			t.Fatalf("NewSink(%+v) = %v; want ErrInvalid", o, err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Fatalf("error leaks the password: %v", err)
		}
	}
}
