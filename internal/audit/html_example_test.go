package audit_test

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/opskit-dev/opskit/internal/audit"
)

// A report as one self-contained HTML page: a hostile resource name stays
// text, and the page loads nothing.
func ExampleReport_WriteHTML() {
	r := &audit.Report{
		Tool:   audit.Tool{Name: "opskit"},
		Name:   "harden",
		Target: "db1",
		Findings: []audit.Finding{
			trust.Fail("pg_hba.conf:12", "host all all 0.0.0.0/0 trust"),
			trust.Pass("pg_hba.conf:3"),
			trust.Fail("container <script>alert(1)</script>", "host all all ::/0 trust"),
		},
	}
	r.Sort()
	var page strings.Builder // an *os.File in a real program
	if err := r.WriteHTML(&page); err != nil {
		panic(err)
	}
	for _, m := range regexp.MustCompile(`<h1>.*</h1>|data-resource="[^"]*"|<b>\d+</b>critical failing`).FindAllString(page.String(), -1) {
		fmt.Println(m)
	}
	fmt.Println("has a script element:", strings.Contains(page.String(), "<script"))
	// Output:
	// <h1>Audit report: harden on db1</h1>
	// <b>2</b>critical failing
	// data-resource="container &lt;script&gt;alert(1)&lt;/script&gt;"
	// data-resource="pg_hba.conf:12"
	// data-resource="pg_hba.conf:3"
	// has a script element: false
}
