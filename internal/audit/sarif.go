// SARIF 2.1.0 is written with plain structs rather than a library.
// github.com/owenrumney/go-sarif/v3 (v3.3.1) was tried: it supports
// properties, suppressions, logical locations and kind, but its structs
// marshal every unset array as [] and fill in defaults ("newlineSequences",
// "rank": -1, "ruleIndex": -1, "language", "contents"), which bloats a small
// log and buries the fields that matter, and it would pull
// github.com/xeipuuv/gojsonschema (no release since v1.2.0) and
// github.com/google/uuid into every importer of opskit. The subset written
// here is small, and the tests validate the output against the official
// OASIS SARIF 2.1.0 schema in testdata/sarif-schema-2.1.0.json.

package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SARIFSchemaURI is the "$schema" that [WriteSARIF] writes: the OASIS
// SARIF 2.1.0 schema, errata 01.
const SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SecurityScore returns the "security-severity" that [WriteSARIF] gives a
// rule of severity s, as GitHub code scanning expects it: a decimal string
// from 0.0 to 10.0. The values sit inside GitHub's bands (critical above
// 9.0, high 7.0 to 8.9, medium 4.0 to 6.9, low 0.1 to 3.9):
// critical "9.5", high "8.0", medium "5.5", low "2.0", info "0.0" (no
// security severity). An invalid severity gets "0.0".
func SecurityScore(s Severity) string {
	switch s {
	case SeverityCritical:
		return "9.5"
	case SeverityHigh:
		return "8.0"
	case SeverityMedium:
		return "5.5"
	case SeverityLow:
		return "2.0"
	}
	return "0.0"
}

// sarifLevel maps a severity to a SARIF level for a failing result:
// critical and high are "error", medium "warning", low and info "note".
func sarifLevel(s Severity) string {
	switch s {
	case SeverityCritical, SeverityHigh:
		return "error"
	case SeverityMedium:
		return "warning"
	}
	return "note"
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	Properties  *sarifRunProps    `json:"properties,omitempty"`
}

type sarifRunProps struct {
	Target string `json:"target"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules,omitempty"`
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
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          sarifResultProps   `json:"properties"`
}

type sarifLocation struct {
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
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
	WaiverExpired string `json:"waiverExpired,omitempty"`
}

// fingerprintKey names the partial fingerprint WriteSARIF gives every
// result: the hex SHA-256 of the check ID, a NUL byte and the resource. It
// is stable across runs, so code scanning tracks a finding over time.
const fingerprintKey = "opskitFinding/v1"

// WriteSARIF writes r as a SARIF 2.1.0 log with one run:
//
//   - tool.driver carries r.Tool and one rule per check: r.Checks in order,
//     then checks that only appear in findings, in order of first
//     appearance. A rule has id, name (the ID in CamelCase), short and
//     full description, help (text and markdown: remediation, command,
//     SQL, references), helpUri (the first http(s) reference),
//     defaultConfiguration.level, and properties "security-severity" (see
//     [SecurityScore]), "severity" and "tags" ("security" first, as GitHub
//     requires, then Check.Tags).
//   - One result per finding, in report order, with ruleId and ruleIndex.
//     Failing findings have kind "fail" and level "error" (critical,
//     high), "warning" (medium) or "note" (low, info). Passing findings
//     have kind "pass", check errors kind "open" (undecided), both with
//     level "none" as SARIF requires for kinds other than fail. Waived
//     findings are failures with a suppression of kind "external", status
//     "accepted" and the waiver reason as justification. The resource is
//     the fullyQualifiedName of a logical location. partialFingerprints
//     holds "opskitFinding/v1", a hash of check ID and resource.
//   - One invocation with the report's start and end times (UTC),
//     executionSuccessful false when a check errored, and a notification
//     per check error (level error, tied to its rule) and per unused
//     waiver (level warning).
//
// Writing fails if a finding's status is invalid.
func WriteSARIF(w io.Writer, r *Report) error {
	rules, index := sarifRules(r)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           r.Tool.Name,
			Version:        r.Tool.Version,
			InformationURI: r.Tool.InformationURI,
			Rules:          rules,
		}},
		Results: make([]sarifResult, 0, len(r.Findings)),
	}
	if run.Tool.Driver.Name == "" {
		run.Tool.Driver.Name = "opskit"
	}
	if r.Target != "" {
		run.Properties = &sarifRunProps{Target: r.Target}
	}
	inv := sarifInvocation{
		ExecutionSuccessful: true,
		StartTimeUTC:        sarifTime(r.Started),
		EndTimeUTC:          sarifTime(r.Finished),
	}
	for _, f := range r.Findings {
		res, err := sarifResultOf(f, index[f.CheckID])
		if err != nil {
			return err
		}
		run.Results = append(run.Results, res)
		if f.Status == StatusError {
			inv.ExecutionSuccessful = false
			inv.Notifications = append(inv.Notifications, sarifNotification{
				Level:          "error",
				Message:        sarifText{Text: fmt.Sprintf("check %s%s: %s", f.CheckID, onResource(f.Resource), f.Error)},
				AssociatedRule: &sarifRuleRef{ID: f.CheckID, Index: index[f.CheckID]},
			})
		}
	}
	for _, u := range r.UnusedWaivers {
		msg := fmt.Sprintf("waiver for check %s, resource %q waived nothing; remove it", u.CheckID, u.Resource)
		if u.Source != "" {
			msg += " (" + u.Source + ")"
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

// sarifRules builds the rules array and the index of each check ID in it.
func sarifRules(r *Report) ([]sarifRule, map[string]int) {
	var rules []sarifRule
	index := map[string]int{}
	add := func(c Check) {
		if _, ok := index[c.ID]; ok {
			return
		}
		index[c.ID] = len(rules)
		rules = append(rules, sarifRuleOf(c))
	}
	for _, c := range r.Checks {
		add(c)
	}
	for _, f := range r.Findings {
		add(Check{ID: f.CheckID, Title: f.Title, Severity: f.Severity, Remediation: f.Remediation, References: f.References})
	}
	return rules, index
}

func sarifRuleOf(c Check) sarifRule {
	desc := c.Description
	if desc == "" {
		desc = c.Title
	}
	tags := []string{"security"}
	for _, t := range c.Tags {
		if t != "security" {
			tags = append(tags, t)
		}
	}
	rule := sarifRule{
		ID:                   c.ID,
		Name:                 camelName(c.ID),
		ShortDescription:     sarifText{Text: c.Title},
		FullDescription:      sarifText{Text: desc},
		Help:                 sarifHelpOf(c),
		DefaultConfiguration: sarifConfig{Level: sarifLevel(c.Severity)},
		Properties: sarifRuleProps{
			SecuritySeverity: SecurityScore(c.Severity),
			Severity:         c.Severity.String(),
			Tags:             tags,
			References:       c.References,
		},
	}
	for _, ref := range c.References {
		if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
			rule.HelpURI = ref
			break
		}
	}
	return rule
}

// camelName turns "database.pg_hba.trust" into "DatabasePgHbaTrust".
func camelName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		r, size := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[size:])
	}
	return b.String()
}

func sarifHelpOf(c Check) sarifHelp {
	var text, md strings.Builder
	rem := c.Remediation
	if rem.Text != "" {
		text.WriteString(rem.Text)
		fmt.Fprintf(&md, "**Remediation**\n\n%s", rem.Text)
	}
	section := func(title, lang, body string) {
		if body == "" {
			return
		}
		if text.Len() > 0 {
			text.WriteString("\n\n")
			md.WriteString("\n\n")
		}
		fmt.Fprintf(&text, "%s:\n%s", title, body)
		fence := codeFence(body)
		fmt.Fprintf(&md, "**%s**\n\n%s%s\n%s\n%s", title, fence, lang, body, fence)
	}
	section("Command", "sh", rem.Command)
	section("SQL", "sql", rem.SQL)
	if len(c.References) > 0 {
		if text.Len() > 0 {
			text.WriteString("\n\n")
			md.WriteString("\n\n")
		}
		text.WriteString("References: " + strings.Join(c.References, "; "))
		md.WriteString("**References**\n")
		for _, ref := range c.References {
			md.WriteString("\n- " + ref)
		}
	}
	if text.Len() == 0 {
		text.WriteString(c.Title)
		md.WriteString(c.Title)
	}
	return sarifHelp{Text: text.String(), Markdown: md.String()}
}

// codeFence returns a backtick fence longer than any backtick run in body.
func codeFence(body string) string {
	longest, run := 0, 0
	for _, r := range body {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func sarifResultOf(f Finding, ruleIndex int) (sarifResult, error) {
	if !f.Status.Valid() {
		return sarifResult{}, fmt.Errorf("audit: write sarif: finding %s%s: invalid %v", f.CheckID, onResource(f.Resource), f.Status)
	}
	sum := sha256.Sum256([]byte(f.CheckID + "\x00" + f.Resource))
	res := sarifResult{
		RuleID:              f.CheckID,
		RuleIndex:           ruleIndex,
		Kind:                "fail",
		Level:               sarifLevel(f.Severity),
		PartialFingerprints: map[string]string{fingerprintKey: hex.EncodeToString(sum[:])},
		Properties:          sarifResultProps{Status: f.Status.String(), Severity: f.Severity.String()},
	}
	msg := f.Title
	if f.Evidence != "" {
		msg += ": " + f.Evidence
	}
	switch f.Status {
	case StatusPass:
		res.Kind, res.Level = "pass", "none"
		msg = "Passed: " + f.Title
	case StatusError:
		res.Kind, res.Level = "open", "none"
		msg = f.Title + ": check error: " + f.Error
	case StatusWaived:
		sup := sarifSuppression{Kind: "external", Status: "accepted", Justification: "waived"}
		if wv := f.Waiver; wv != nil {
			sup.Justification = wv.Reason
			sup.Properties = &sarifSuppressionProps{Expires: expiryDate(wv.Expires), Owner: wv.Owner, Source: wv.Source}
		}
		res.Suppressions = []sarifSuppression{sup}
	}
	if f.ExpiredWaiver != nil {
		msg += " (" + expiredNote(f.ExpiredWaiver) + ")"
		res.Properties.WaiverExpired = expiryDate(f.ExpiredWaiver.Expires)
	}
	res.Message = sarifText{Text: msg}
	if f.Resource != "" {
		res.Locations = []sarifLocation{{LogicalLocations: []sarifLogicalLocation{{FullyQualifiedName: f.Resource}}}}
	}
	return res, nil
}
