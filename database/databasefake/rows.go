package databasefake

import (
	"fmt"
	"reflect"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// rows is pgx.Rows over answered values.
type rows struct {
	data [][]any
	i    int // 1 + the current row, 0 before Next
	err  error
}

var _ pgx.Rows = (*rows)(nil)

func (r *rows) Close()                                       {}
func (r *rows) Err() error                                   { return r.err }
func (r *rows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (r *rows) RawValues() [][]byte                          { return nil }
func (r *rows) Conn() *pgx.Conn                              { return nil }
func (r *rows) TypeMap() *pgtype.Map                         { return nil }

func (r *rows) CommandTag() pgconn.CommandTag {
	return pgconn.NewCommandTag(fmt.Sprintf("SELECT %d", len(r.data)))
}

func (r *rows) Next() bool {
	if r.err != nil || r.i >= len(r.data) {
		return false
	}
	r.i++
	return true
}

func (r *rows) Values() ([]any, error) {
	if r.i == 0 || r.i > len(r.data) {
		return nil, fmt.Errorf("databasefake: no current row")
	}
	return r.data[r.i-1], nil
}

// Scan assigns the current row's values to dest: a value assignable or
// convertible (numbers to numbers, strings to strings) to the target.
func (r *rows) Scan(dest ...any) error {
	vals, err := r.Values()
	if err != nil {
		return err
	}
	if len(vals) != len(dest) {
		return fmt.Errorf("databasefake: %d columns, %d scan destinations", len(vals), len(dest))
	}
	for i, d := range dest {
		if err := assign(d, vals[i]); err != nil {
			return fmt.Errorf("databasefake: column %d: %w", i, err)
		}
	}
	return nil
}

func assign(dest, v any) error {
	dv := reflect.ValueOf(dest)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("cannot scan into %T", dest)
	}
	e := dv.Elem()
	if v == nil {
		switch e.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
			e.SetZero()
			return nil
		}
		return fmt.Errorf("cannot scan NULL into %T", dest)
	}
	sv := reflect.ValueOf(v)
	switch {
	case sv.Type().AssignableTo(e.Type()):
		e.Set(sv)
	case convertible(sv.Kind(), e.Kind()) && sv.Type().ConvertibleTo(e.Type()):
		e.Set(sv.Convert(e.Type()))
	default:
		return fmt.Errorf("cannot scan %T into %T", v, dest)
	}
	return nil
}

// convertible allows number-to-number and string-to-string conversions.
func convertible(from, to reflect.Kind) bool {
	num := func(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Float64 }
	return num(from) && num(to) || from == reflect.String && to == reflect.String
}

// row is pgx.Row over the first row of a Query.
type row struct {
	rs  pgx.Rows
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rs.Close()
	if !r.rs.Next() {
		if err := r.rs.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	return r.rs.Scan(dest...)
}
