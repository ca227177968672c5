package rdslogs_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/rdslogs"
)

// portionAPI serves log files the way RDS documents the portion API:
// NumberOfLines lines per call, an opaque Marker, AdditionalDataPending.
type portionAPI struct {
	files map[string][]string
	calls int
}

func (p *portionAPI) DescribeDBLogFiles(_ context.Context, in *rds.DescribeDBLogFilesInput, _ ...func(*rds.Options)) (*rds.DescribeDBLogFilesOutput, error) {
	out := &rds.DescribeDBLogFilesOutput{}
	var names []string
	for name := range p.files {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		lines := p.files[name]
		out.DescribeDBLogFiles = append(out.DescribeDBLogFiles, types.DescribeDBLogFilesDetails{LogFileName: aws.String(name),
			Size: aws.Int64(int64(len(strings.Join(lines, "\n")))), LastWritten: aws.Int64(int64(i))})
	}
	return out, nil
}

func (p *portionAPI) DownloadDBLogFilePortion(_ context.Context, in *rds.DownloadDBLogFilePortionInput, _ ...func(*rds.Options)) (*rds.DownloadDBLogFilePortionOutput, error) {
	p.calls++
	lines, ok := p.files[aws.ToString(in.LogFileName)]
	if !ok {
		return nil, errors.New("DBLogFileNotFoundFault")
	}
	from, _ := strconv.Atoi(strings.TrimPrefix(aws.ToString(in.Marker), "m:"))
	to := min(len(lines), from+int(aws.ToInt32(in.NumberOfLines)))
	data := ""
	if to > from {
		data = strings.Join(lines[from:to], "\n") + "\n"
	}
	return &rds.DownloadDBLogFilePortionOutput{LogFileData: aws.String(data), Marker: aws.String(fmt.Sprintf("m:%d", to)),
		AdditionalDataPending: aws.Bool(to < len(lines))}, nil
}

func TestPagingAndResume(t *testing.T) {
	api := &portionAPI{files: map[string][]string{}}
	for f := 0; f < 2; f++ {
		name := fmt.Sprintf("error/postgresql.log.2026-11-27-0%d", f)
		for i := 0; i < 2500; i++ {
			api.files[name] = append(api.files[name], fmt.Sprintf("2026-11-27 0%d:00:00 UTC::@:[%d]:LOG:  line %d", f, 100+f, i))
		}
	}
	run := func(markers map[string]string) (*rdslogs.Source, *loggingfake.Sink) {
		src, err := rdslogs.NewSource(api, rdslogs.Options{Instance: "db1", Lines: 1000, NoFollow: true, Markers: markers})
		if err != nil {
			t.Fatal(err)
		}
		sink := loggingfake.NewSink(loggingfake.Options{Limits: &logging.Limits{}})
		p, _ := logging.NewPipeline(logging.Options{Linger: -1}, sink)
		if err := p.Run(context.Background(), src); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		return src, sink
	}
	src, sink := run(nil)
	if n := len(sink.Events("db1")); n != 5000 {
		t.Fatalf("shipped %d lines; want 5000", n)
	}
	if api.calls != 6 { // 3 portions of ≤1000 lines per 2500-line file
		t.Fatalf("%d DownloadDBLogFilePortion calls; want 6", api.calls)
	}
	rec := sink.Events("db1")[0]
	if want := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC); !rec.Time.Equal(want) || rec.Fields["db_instance"] != "db1" {
		t.Fatalf("first record %+v", rec)
	}
	// Append to one file and resume from the acknowledged markers.
	name := "error/postgresql.log.2026-11-27-01"
	api.files[name] = append(api.files[name], "2026-11-27 01:59:59 UTC::@:[101]:LOG:  new line")
	_, sink2 := run(src.Markers())
	got := sink2.Events("db1")
	if len(got) != 1 || !strings.HasSuffix(got[0].Message, "new line") {
		t.Fatalf("after resume got %d lines; want only the new one", len(got))
	}
}

// TestMoto runs against moto as far as it goes: moto 5.2 implements
// DescribeDBLogFiles (one placeholder file per instance) and the
// CloudwatchLogsExportConfiguration of ModifyDBInstance, but not
// DownloadDBLogFilePortion, and it exports nothing to CloudWatch Logs.
// It runs on a private moto: an RDS instance breaks the shared emulator's
// /moto-api/data.json probe for everyone (see testenv.PrivateMoto).
func TestMoto(t *testing.T) {
	cfg := testenv.PrivateMoto(t)
	api := rds.NewFromConfig(cfg)
	ctx := context.Background()
	id := fmt.Sprintf("opskit-logging-%d", time.Now().UnixNano()%1e9)
	_, err := api.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(id), Engine: aws.String("postgres"),
		DBInstanceClass: aws.String("db.t3.micro"), AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("opskit"),
		MasterUserPassword: aws.String("not-a-secret-1")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = api.DeleteDBInstance(context.Background(), &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String(id), SkipFinalSnapshot: aws.Bool(true)})
	})
	groups, err := rdslogs.EnableExports(ctx, api, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/aws/rds/instance/" + id + "/postgresql"; len(groups) != 1 || groups[0] != want {
		t.Fatalf("groups %v; want %s", groups, want)
	}
	out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if err != nil || len(out.DBInstances) != 1 || strings.Join(out.DBInstances[0].EnabledCloudwatchLogsExports, ",") != "postgresql" {
		t.Fatalf("exports after EnableExports: %+v, %v", out, err)
	}
	if _, err := rdslogs.EnableExports(ctx, api, id, "postgresql"); err != nil { // idempotent
		t.Fatal(err)
	}
	var oe *logging.InvalidError
	if _, err := rdslogs.EnableExports(ctx, api, id, "slowquery"); !errors.As(err, &oe) {
		t.Fatalf("EnableExports(slowquery) on postgres = %v; want *logging.InvalidError", err)
	}
	files, err := rdslogs.ListFiles(ctx, api, id, "")
	if err != nil || len(files) == 0 || !strings.HasPrefix(files[0].Name, "error/postgresql.log.") {
		t.Fatalf("ListFiles = %+v, %v", files, err)
	}
	src, _ := rdslogs.NewSource(api, rdslogs.Options{Instance: id, NoFollow: true})
	p, _ := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	defer p.Close(ctx)
	err = p.Run(ctx, src)
	var re *rdslogs.Error
	switch {
	case err == nil:
		t.Log("moto now implements DownloadDBLogFilePortion")
	case errors.As(err, &re) && re.Op == "DownloadDBLogFilePortion" && re.File == files[0].Name:
		t.Logf("moto lacks DownloadDBLogFilePortion: %v", err)
	default:
		t.Fatalf("Run = %v", err)
	}
}
