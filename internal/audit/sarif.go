// SARIF 2.1.0 is written with plain structs rather than a library.
// github.com/owenrumney/go-sarif/v3 (v3.3.1) was tried: its structs
// marshal every unset array as [] and fill in defaults ("rank": -1,
// "ruleIndex": -1, ...), which bloats a small log and buries the fields
// that matter, and it would pull github.com/xeipuuv/gojsonschema and
// github.com/google/uuid into every importer of opskit. The subset written
// here is small; TestSARIFGitHub checks real reports with Microsoft's SARIF
// multitool and its GitHub rules.

package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// SARIFSchemaURI is the "$schema" that [Report.WriteSARIF] writes: the
// OASIS SARIF 2.1.0 schema, errata 01.
const SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SARIFOptions chooses what [Report.WriteSARIF] writes beyond failing and
// erroring findings. The zero value suits GitHub code scanning, which
// opens an alert for every result whatever its kind or suppressions.
type SARIFOptions struct {
	// Passes also writes passing findings, as results of kind "pass" and
	// level "none", for consumers that honour kind (SARIF viewers and
	// tools built on Microsoft's SARIF SDK). GitHub ignores kind and would
	// show them as alerts.
	Passes bool
	// Waived also writes waived findings, as failures with a suppression
	// of kind "external", status "accepted" and the waiver reason as
	// justification. Left out by default: GitHub ignores suppressions.
	Waived bool
	// NotApplicable also writes findings whose check did not apply, as
	// results of kind "notApplicable" and level "none" with the reason in
	// the message. Left out by default: GitHub ignores kind.
	NotApplicable bool
	// Category is written as runs[0].automationDetails.id, which tells two
	// uploads for one commit apart (GitHub's category; upload-sarif keeps
	// an id the file has). When empty it is "NAME/TARGET/": the report's
	// Name (or the prefix its check IDs share, or the tool name) and its
	// Target, e.g. "database/db1:5432/".
	Category string
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool         `json:"tool"`
	AutomationDetails sarifAutomation   `json:"automationDetails"`
	Invocations       []sarifInvocation `json:"invocations"`
	Results           []sarifResult     `json:"results"`
	Properties        *sarifRunProps    `json:"properties,omitempty"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifRunProps struct {
	Target string `json:"target"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	FullName       string      `json:"fullName"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Severity         string   `json:"severity"`
	Tags             []string `json:"tags"`
	References       []string `json:"references,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	StartTimeUTC        string              `json:"startTimeUtc,omitempty"`
	EndTimeUTC          string              `json:"endTimeUtc,omitempty"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level          string        `json:"level"`
	Message        sarifText     `json:"message"`
	AssociatedRule *sarifRuleRef `json:"associatedRule,omitempty"`
}

type sarifRuleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Kind                string             `json:"kind"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical          `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string                 `json:"kind"`
	Status        string                 `json:"status"`
	Justification string                 `json:"justification"`
	Properties    *sarifSuppressionProps `json:"properties,omitempty"`
}

type sarifSuppressionProps struct {
	Expires string `json:"expires"`
	Owner   string `json:"owner,omitempty"`
	Source  string `json:"source,omitempty"`
}

type sarifResultProps struct {
	Status        string `json:"status"`
	Severity      string `json:"severity"`
	Resource      string `json:"resource,omitempty"`
	WaiverExpired string `json:"waiverExpired,omitempty"`
}

// WriteSARIF writes r as a SARIF 2.1.0 log with one run, in the shape
// GitHub code scanning accepts (checked with Microsoft's SARIF multitool
// and its GitHub rules):
//
//   - tool.driver carries r.Tool (fullName is name and version) and one
//     rule per check: r.Checks in order,
//     then checks that only appear in findings, in order of first
//     appearance. A rule has id, name (the ID in CamelCase), short and
//     full description, help (text and markdown: remediation, command,
//     SQL, references), helpUri (the first http(s) reference),
//     defaultConfiguration.level, and properties "security-severity" (see
//     [SecurityScore]), "severity" and "tags" ("security" first, as GitHub
//     requires, then Check.Tags).
//   - automationDetails.id is opts.Category or "NAME/TARGET/" (see
//     [SARIFOptions]).
//   - One result per failing or erroring finding, in report order;
//     passing, waived and not applicable findings only when opts asks for
//     them. Failures have kind "fail" and level "error" (critical, high),
//     "warning" (medium) or "note" (low, info); check errors kind "open"
//     (undecided), passes kind "pass" and checks that did not apply kind
//     "notApplicable", all with level "none" as SARIF requires for kinds
//     other than fail. The message is one plain sentence: title,
//     resource, evidence, check error or the reason a check did not
//     apply, and an expired waiver.
//   - Every result has one location: a physicalLocation with the URI and
//     startLine of [SARIFLocation], and the resource as the
//     fullyQualifiedName of a logical location of kind "resource".
//   - partialFingerprints holds "primaryLocationLineHash", the key GitHub
//     matches alerts on, and opskit's own "opskitFinding/v1" (a SHA-256
//     of check ID and resource); both are stable across runs.
//   - One invocation with the report's start and end times (UTC),
//     executionSuccessful false when a check errored, and a notification
//     per check error (level error, tied to its rule) and per unused
//     waiver (level warning).
//
// Writing fails if a finding's status is invalid.
func (r *Report) WriteSARIF(w io.Writer, opts SARIFOptions) error {
	rules, index := sarifRules(r)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           r.Tool.Name,
			Version:        r.Tool.Version,
			InformationURI: r.Tool.InformationURI,
			Rules:          rules,
		}},
		AutomationDetails: sarifAutomation{ID: opts.Category},
		Results:           []sarifResult{},
	}
	if run.Tool.Driver.Name == "" {
		run.Tool.Driver.Name = "opskit"
	}
	run.Tool.Driver.FullName = strings.TrimSpace(run.Tool.Driver.Name + " " + r.Tool.Version)
	if run.AutomationDetails.ID == "" {
		run.AutomationDetails.ID = oneLine(r.automationID())
	}
	if r.Target != "" {
		run.Properties = &sarifRunProps{Target: r.Target}
	}
	inv := sarifInvocation{
		ExecutionSuccessful: true,
		StartTimeUTC:        sarifTime(r.Started),
		EndTimeUTC:          sarifTime(r.Finished),
	}
	fp := fingerprinter{}
	for _, f := range r.Findings {
		if !f.Status.Valid() {
			return fmt.Errorf("audit: write sarif: finding %s%s: invalid %v", f.CheckID, onResource(f.Resource), f.Status)
		}
		if f.Status == StatusError {
			inv.ExecutionSuccessful = false
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level:          "error",
				Message:        sarifText{Text: fmt.Sprintf("check %s%s: %s", f.CheckID, onResource(f.Resource), f.Error)},
				AssociatedRule: &sarifRuleRef{ID: f.CheckID, Index: index[f.CheckID]},
			})
		}
		if f.Status == StatusPass && !opts.Passes || f.Status == StatusWaived && !opts.Waived ||
			f.Status == StatusNotApplicable && !opts.NotApplicable {
			continue
		}
		run.Results = append(run.Results, sarifResultOf(f, index[f.CheckID], r.Target, fp))
	}
	for _, u := range r.UnusedWaivers {
		msg := fmt.Sprintf("waiver for check %s, resource %q waived nothing; remove it", u.CheckID, u.Resource)
		if u.Source != "" {
			msg += ": " + u.Source
		}
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning", Message: sarifText{Text: msg}})
	}
	run.Invocations = []sarifInvocation{inv}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("audit: write sarif: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// automationID is the default automationDetails.id, "NAME/TARGET/".
func (r *Report) automationID() string {
	name := r.Name
	if name == "" {
		name = r.checkPrefix()
	}
	if name == "" {
		name = r.Tool.Name
	}
	if name == "" {
		name = "opskit"
	}
	id := name + "/"
	if r.Target != "" {
		id += r.Target + "/"
	}
	return id
}

// checkPrefix is the longest dot-separated prefix that every check ID in
// r shares ("database" for database.pg_hba.trust and database.ssl.off),
// or "" when there are no checks or they share nothing.
func (r *Report) checkPrefix() string {
	var prefix []string
	first := true
	share := func(id string) {
		segs := strings.Split(id, ".")
		if len(segs) > 1 {
			segs = segs[:len(segs)-1] // the last segment names the check itself
		}
		if first {
			prefix, first = segs, false
			return
		}
		n := 0
		for n < len(prefix) && n < len(segs) && prefix[n] == segs[n] {
			n++
		}
		prefix = prefix[:n]
	}
	for _, c := range r.Checks {
		share(c.ID)
	}
	for _, f := range r.Findings {
		share(f.CheckID)
	}
	return strings.Join(prefix, ".")
}

func onResource(res string) string {
	if res == "" {
		return ""
	}
	return " on " + res
}

func sarifTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func sarifResultOf(f Finding, ruleIndex int, target string, fp fingerprinter) sarifResult {
	uri, line := SARIFLocation(f.Resource, target)
	_, _, isFile := fileLine(f.Resource)
	loc := sarifLocation{PhysicalLocation: sarifPhysical{
		ArtifactLocation: sarifArtifact{URI: uri},
		Region:           sarifRegion{StartLine: line},
	}}
	if f.Resource != "" {
		loc.LogicalLocations = []sarifLogicalLocation{{FullyQualifiedName: f.Resource, Kind: "resource"}}
	}
	res := sarifResult{
		RuleID:              f.CheckID,
		RuleIndex:           ruleIndex,
		Kind:                "fail",
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: oneLine(sarifMessage(f))},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: fp.of(f, uri, isFile),
		Properties:          sarifResultProps{Status: f.Status.String(), Severity: f.Severity.String(), Resource: f.Resource},
	}
	switch f.Status {
	case StatusPass:
		res.Kind, res.Level = "pass", "none"
	case StatusError:
		res.Kind, res.Level = "open", "none"
	case StatusNotApplicable:
		res.Kind, res.Level = "notApplicable", "none"
	case StatusWaived:
		sup := sarifSuppression{Kind: "external", Status: "accepted", Justification: "waived"}
		if wv := f.Waiver; wv != nil {
			sup.Justification = wv.Reason
			sup.Properties = &sarifSuppressionProps{Expires: expiryDate(wv.Expires), Owner: wv.Owner, Source: wv.Source}
		}
		res.Suppressions = []sarifSuppression{sup}
	}
	if f.ExpiredWaiver != nil {
		res.Properties.WaiverExpired = expiryDate(f.ExpiredWaiver.Expires)
	}
	return res
}

// sarifMessage is a result's message: one plain sentence without nested
// parentheses, e.g. "pg_hba.conf allows trust authentication on
// pg_hba.conf:12: host all all 0.0.0.0/0 trust. Waiver expired on
// 2026-01-31; reason was: TLS terminates at the proxy."
func sarifMessage(f Finding) string {
	var b strings.Builder
	switch f.Status {
	case StatusPass:
		b.WriteString("Passed: ")
	case StatusNotApplicable:
		b.WriteString("Not applicable: ")
	}
	b.WriteString(f.Title)
	b.WriteString(onResource(f.Resource))
	switch {
	case f.Status == StatusError:
		b.WriteString(": check could not decide: " + f.Error)
	case f.Status == StatusNotApplicable:
		b.WriteString(": " + f.Reason)
	case f.Evidence != "":
		b.WriteString(": " + f.Evidence)
	}
	if !strings.HasSuffix(b.String(), ".") {
		b.WriteByte('.')
	}
	if f.ExpiredWaiver != nil {
		b.WriteString(" " + capitalize(expiredNote(f.ExpiredWaiver)) + ".")
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
