package cloudwatch

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// ReadStream returns every event of group/stream from the start, paging
// with the forward token until it stops changing. It is how RDS logs
// exported to CloudWatch and awslogs container logs are read back.
func ReadStream(ctx context.Context, api GetLogEventsAPI, group, stream string) ([]types.OutputLogEvent, error) {
	var out []types.OutputLogEvent
	in := &cwl.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true)}
	for {
		page, err := api.GetLogEvents(ctx, in)
		if err != nil {
			return out, &Error{Op: "GetLogEvents", Group: group, Stream: stream, Err: err}
		}
		out = append(out, page.Events...)
		if page.NextForwardToken == nil || (in.NextToken != nil && *in.NextToken == *page.NextForwardToken) || len(page.Events) == 0 {
			return out, nil
		}
		if len(out) > 10_000_000 {
			return out, fmt.Errorf("cloudwatch: %s/%s: more than 10,000,000 events", group, stream)
		}
		in.NextToken = page.NextForwardToken
	}
}
