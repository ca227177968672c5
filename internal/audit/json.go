package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// JSONSchema is the value of the "schema" field that [Report.WriteJSON]
// writes. The version changes only on an incompatible change (a field
// removed, renamed or retyped, or a new value a v1 reader would reject);
// adding optional fields keeps it, so readers must ignore fields they do
// not know. v2 added the status "n/a" (with a finding's reason and the
// summary's notApplicable count); [ReadJSON] also reads v1 documents,
// which are v2 documents without it.
const JSONSchema = "opskit.audit/v2"

// jsonSchemaV1 is the schema before the "n/a" status.
const jsonSchemaV1 = "opskit.audit/v1"

// ErrUnsupportedSchema is wrapped by [ReadJSON] when the document's
// "schema" field is neither [JSONSchema] nor "opskit.audit/v1".
var ErrUnsupportedSchema = errors.New("unsupported schema")

// jsonReport is the opskit.audit/v2 document.
type jsonReport struct {
	Schema        string    `json:"schema"`
	Tool          Tool      `json:"tool"`
	Name          string    `json:"name,omitempty"`
	Target        string    `json:"target,omitempty"`
	Started       time.Time `json:"started,omitzero"`
	Finished      time.Time `json:"finished,omitzero"`
	Summary       Summary   `json:"summary"`
	Checks        []Check   `json:"checks,omitempty"`
	Findings      []Finding `json:"findings"`
	UnusedWaivers []Waiver  `json:"unusedWaivers,omitempty"`
}

// WriteJSON writes r as one indented JSON object, schema "opskit.audit/v2":
//
//	schema         "opskit.audit/v2"
//	tool           {name, version?, informationUri?}
//	name?          string (the audit, e.g. "database")
//	target?        string
//	started?       RFC 3339 time
//	finished?      RFC 3339 time
//	summary        {total, pass, fail, error, waived, notApplicable,
//	                failed: {critical, high, medium, low, info}}  (failed counts status fail only)
//	checks?        [{id, title, description?, severity, remediation?, references?, tags?}]
//	findings       [{checkId, title, severity, status, resource?, evidence?,
//	                 remediation?: {text?, command?, sql?}, references?,
//	                 waiver?, expiredWaiver?, error?, reason?}]
//	unusedWaivers? [{checkId, resource, reason, owner?, expires, source?}]
//
// Fields marked ? are omitted when empty. Severities are "critical",
// "high", "medium", "low" or "info"; statuses "pass", "fail", "error",
// "waived" or "n/a" (reason says why the check did not apply). waiver and
// expiredWaiver have the unusedWaivers shape.
// findings is always an array, in report order. Writing fails if a
// finding has an invalid severity or status.
func (r *Report) WriteJSON(w io.Writer) error {
	doc := jsonReport{
		Schema:        JSONSchema,
		Tool:          r.Tool,
		Name:          r.Name,
		Target:        r.Target,
		Started:       r.Started,
		Finished:      r.Finished,
		Summary:       r.Summary(),
		Checks:        r.Checks,
		Findings:      r.Findings,
		UnusedWaivers: r.UnusedWaivers,
	}
	if doc.Findings == nil {
		doc.Findings = []Finding{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("audit: write json: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadJSON reads a report written by [Report.WriteJSON], of schema
// [JSONSchema] or the older "opskit.audit/v1". It fails, wrapping
// [ErrUnsupportedSchema], for any other "schema" field. The summary is not
// read back; [Report.Summary] recomputes it.
func ReadJSON(rd io.Reader) (*Report, error) {
	var doc jsonReport
	if err := json.NewDecoder(rd).Decode(&doc); err != nil {
		return nil, fmt.Errorf("audit: read json: %w", err)
	}
	if doc.Schema != JSONSchema && doc.Schema != jsonSchemaV1 {
		return nil, fmt.Errorf("audit: read json: schema %q, want %q: %w", doc.Schema, JSONSchema, ErrUnsupportedSchema)
	}
	return &Report{
		Tool:          doc.Tool,
		Name:          doc.Name,
		Target:        doc.Target,
		Started:       doc.Started,
		Finished:      doc.Finished,
		Checks:        doc.Checks,
		Findings:      doc.Findings,
		UnusedWaivers: doc.UnusedWaivers,
	}, nil
}
