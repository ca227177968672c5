package cwagent_test

import (
	"fmt"

	"github.com/opskit-dev/opskit/logging/cwagent"
	"github.com/opskit-dev/opskit/logging/file"
)

// One declaration of the system logs drives either opskit's file source
// or the CloudWatch agent.
func ExampleRender() {
	ossec := file.Ossec()
	doc, err := cwagent.Render(cwagent.Config{Files: []cwagent.File{{Source: ossec, Group: "/hosts/ossec", RetentionDays: 90}}})
	if err != nil {
		panic(err)
	}
	fmt.Print(string(doc))
	// Output:
	// {
	//   "logs": {
	//     "logs_collected": {
	//       "files": {
	//         "collect_list": [
	//           {
	//             "file_path": "/var/ossec/logs/ossec.log",
	//             "log_group_name": "/hosts/ossec",
	//             "log_stream_name": "{instance_id}",
	//             "timestamp_format": "%Y/%m/%d %H:%M:%S",
	//             "timezone": "Local",
	//             "multi_line_start_pattern": "^\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} ",
	//             "retention_in_days": 90
	//           }
	//         ]
	//       }
	//     }
	//   }
	// }
}
