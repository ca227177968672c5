package rdslogs

import (
	"context"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// File is one log file of an instance.
type File struct {
	Name        string
	Size        int64
	LastWritten time.Time
}

// ListFiles returns the instance's log files, oldest written first,
// following the Marker across pages.
func ListFiles(ctx context.Context, api API, instance, nameContains string) ([]File, error) {
	in := &rds.DescribeDBLogFilesInput{DBInstanceIdentifier: aws.String(instance)}
	if nameContains != "" {
		in.FilenameContains = aws.String(nameContains)
	}
	var files []File
	for {
		out, err := api.DescribeDBLogFiles(ctx, in)
		if err != nil {
			return nil, &Error{Op: "DescribeDBLogFiles", Instance: instance, Err: err}
		}
		for _, d := range out.DescribeDBLogFiles {
			files = append(files, File{Name: aws.ToString(d.LogFileName), Size: aws.ToInt64(d.Size), LastWritten: time.UnixMilli(aws.ToInt64(d.LastWritten))})
		}
		if out.Marker == nil || aws.ToString(out.Marker) == "" || aws.ToString(out.Marker) == aws.ToString(in.Marker) {
			break
		}
		in.Marker = out.Marker
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].LastWritten.Before(files[j].LastWritten) })
	return files, nil
}
