package audit

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SecurityScore returns the "security-severity" that [Report.WriteSARIF] gives a
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

// sarifRules builds the rules array and the index of each check ID in it.
func sarifRules(r *Report) ([]sarifRule, map[string]int) {
	rules := []sarifRule{}
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
