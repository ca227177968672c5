package database

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// SlowQueryLog is how the server logs slow statements.
type SlowQueryLog struct {
	// MinDuration is log_min_duration_statement (negative: disabled).
	MinDuration time.Duration
	// SampleMinDuration and SampleRate are log_min_duration_sample and
	// log_statement_sample_rate.
	SampleMinDuration time.Duration
	SampleRate        float64
	// LogStatement is log_statement (none, ddl, mod, all).
	LogStatement string
	// AutoExplain reports auto_explain in shared_ or session_preload_libraries;
	// AutoExplainMinDuration is auto_explain.log_min_duration when visible.
	AutoExplain            bool
	AutoExplainMinDuration time.Duration
	// Destination and Collector say where the log goes.
	Destination string
	Collector   bool
}

// SlowQuerySettings reads the slow-query logging settings.
func SlowQuerySettings(ctx context.Context, q Querier) (SlowQueryLog, error) {
	rows, err := q.Query(ctx, `SELECT name, setting FROM pg_settings WHERE name IN ('log_min_duration_statement', 'log_min_duration_sample',
		'log_statement_sample_rate', 'log_statement', 'shared_preload_libraries', 'session_preload_libraries', 'auto_explain.log_min_duration',
		'log_destination', 'logging_collector')`)
	if err != nil {
		return SlowQueryLog{}, fmt.Errorf("database: slow query settings: %w", err)
	}
	defer rows.Close()
	l := SlowQueryLog{MinDuration: -1, SampleMinDuration: -1, AutoExplainMinDuration: -1}
	for rows.Next() {
		var name, v string
		if err := rows.Scan(&name, &v); err != nil {
			return SlowQueryLog{}, fmt.Errorf("database: slow query settings: %w", err)
		}
		n, _ := strconv.ParseFloat(v, 64)
		d := time.Duration(n) * time.Millisecond
		if n < 0 {
			d = -1
		}
		switch name {
		case "log_min_duration_statement":
			l.MinDuration = d
		case "log_min_duration_sample":
			l.SampleMinDuration = d
		case "log_statement_sample_rate":
			l.SampleRate = n
		case "log_statement":
			l.LogStatement = v
		case "shared_preload_libraries", "session_preload_libraries":
			l.AutoExplain = l.AutoExplain || slices.Contains(splitList(v), "auto_explain")
		case "auto_explain.log_min_duration":
			l.AutoExplainMinDuration = d
		case "log_destination":
			l.Destination = v
		case "logging_collector":
			l.Collector = v == "on"
		}
	}
	return l, rows.Err()
}
