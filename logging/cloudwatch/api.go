package cloudwatch

import (
	"context"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// The operations used, one interface each, as aws-sdk-go-v2 names them.
type (
	// PutLogEventsAPI ships events.
	PutLogEventsAPI interface {
		PutLogEvents(context.Context, *cwl.PutLogEventsInput, ...func(*cwl.Options)) (*cwl.PutLogEventsOutput, error)
	}
	// CreateLogGroupAPI creates log groups.
	CreateLogGroupAPI interface {
		CreateLogGroup(context.Context, *cwl.CreateLogGroupInput, ...func(*cwl.Options)) (*cwl.CreateLogGroupOutput, error)
	}
	// CreateLogStreamAPI creates log streams.
	CreateLogStreamAPI interface {
		CreateLogStream(context.Context, *cwl.CreateLogStreamInput, ...func(*cwl.Options)) (*cwl.CreateLogStreamOutput, error)
	}
	// PutRetentionPolicyAPI sets a group's retention.
	PutRetentionPolicyAPI interface {
		PutRetentionPolicy(context.Context, *cwl.PutRetentionPolicyInput, ...func(*cwl.Options)) (*cwl.PutRetentionPolicyOutput, error)
	}
	// GetLogEventsAPI reads a stream (ReadStream, Source).
	GetLogEventsAPI interface {
		GetLogEvents(context.Context, *cwl.GetLogEventsInput, ...func(*cwl.Options)) (*cwl.GetLogEventsOutput, error)
	}
	// DescribeLogStreamsAPI lists a group's streams (Source).
	DescribeLogStreamsAPI interface {
		DescribeLogStreams(context.Context, *cwl.DescribeLogStreamsInput, ...func(*cwl.Options)) (*cwl.DescribeLogStreamsOutput, error)
	}
)

// SourceAPI is what a Source uses; *cloudwatchlogs.Client implements it.
type SourceAPI interface {
	GetLogEventsAPI
	DescribeLogStreamsAPI
}

// API is what the sink uses: the operations above but GetLogEvents.
// *cloudwatchlogs.Client implements it.
type API interface {
	PutLogEventsAPI
	CreateLogGroupAPI
	CreateLogStreamAPI
	PutRetentionPolicyAPI
}

// The real client implements every operation.
var (
	_ API                   = (*cwl.Client)(nil)
	_ GetLogEventsAPI       = (*cwl.Client)(nil)
	_ DescribeLogStreamsAPI = (*cwl.Client)(nil)
	_ SourceAPI             = (*cwl.Client)(nil)
)
