package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Env is what a program's run function works with: where output goes,
// whether it is for people or machines, and the logger.
type Env struct {
	// Name is the program's name, prefixed to its error messages.
	Name string
	// Stdout and Stderr are the program's output streams.
	Stdout, Stderr io.Writer
	// JSON is set by --json: every report line is a JSON log record on
	// Stdout, and Printf prints nothing.
	JSON bool
	// Verbose is set by -v: more detail (never a secret value).
	Verbose bool
	// Log receives diagnostics: text on Stderr (warnings, or info with -v),
	// or JSON records on Stdout with --json. It is made once and may be
	// used from any goroutine; Parse changes where it writes.
	Log *slog.Logger

	terminal bool
	handler  switchHandler
}

// NewEnv returns an Env over the given streams, with a logger for warnings
// until Parse sets up the flags' choices.
func NewEnv(name string, stdout, stderr io.Writer) *Env {
	e := &Env{Name: name, Stdout: stdout, Stderr: stderr, terminal: isTerminal(stderr)}
	e.setLogger()
	e.Log = slog.New(&e.handler)
	return e
}

// Flags returns a flag set for the program (or one of its subcommands)
// with the common flags --json and -v, and a usage text made of the
// description above the flag list.
func (e *Env) Flags(name, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.BoolVar(&e.JSON, "json", false, "print JSON log records (one object a line) instead of text, for machines")
	fs.BoolVar(&e.Verbose, "v", false, "verbose: more detail (secrets are never printed)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), strings.TrimSpace(description))
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
		fmt.Fprintln(fs.Output(), "\nExit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or configuration error, 3 some hosts or resources failed.")
	}
	return fs
}

// Parse parses args with fs and sets up the logger for --json and -v.
// A bad flag is a *UsageError; -h returns flag.ErrHelp.
func (e *Env) Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{Msg: err.Error()}
	}
	e.setLogger()
	return nil
}

func (e *Env) setLogger() {
	if e.JSON {
		lvl := slog.LevelInfo
		if e.Verbose {
			lvl = slog.LevelDebug
		}
		e.handler.set(slog.NewJSONHandler(e.Stdout, &slog.HandlerOptions{Level: lvl}))
		return
	}
	lvl := slog.LevelWarn
	if e.Verbose {
		lvl = slog.LevelDebug
	}
	e.handler.set(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: lvl}))
}

// Printf prints a line for people on Stdout; with --json it prints nothing.
func (e *Env) Printf(format string, args ...any) {
	if e.JSON {
		return
	}
	fmt.Fprintf(e.Stdout, format, args...)
}

// Event records one report item for machines: a JSON record on Stdout with
// --json, nothing otherwise (Printf says it for people).
func (e *Env) Event(msg string, args ...any) {
	if e.JSON {
		e.Log.Info(msg, args...)
	}
}

// Terminal reports whether progress bars are drawn: Stderr is a terminal
// and --json is off.
func (e *Env) Terminal() bool { return e.terminal && !e.JSON }

// Main runs a program: it handles SIGINT and SIGTERM (the first cancels
// ctx, the second exits at once), runs run with the command-line arguments,
// prints its error and exits with ExitCode's code.
func Main(name string, run func(ctx context.Context, env *Env, args []string) error) {
	env := NewEnv(name, os.Stdout, os.Stderr)
	ctx, stop := SignalContext(context.Background(), env)
	code := Run(ctx, env, os.Args[1:], run)
	stop()
	os.Exit(code)
}

// Run runs run and returns the exit code, after printing the error (if any)
// on Stderr, or as a JSON record with --json.
func Run(ctx context.Context, env *Env, args []string, run func(ctx context.Context, env *Env, args []string) error) int {
	err := run(ctx, env, args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	code := ExitCode(err)
	if err != nil {
		if env.JSON {
			env.Log.Error(err.Error(), "exit", code)
		} else {
			fmt.Fprintf(env.Stderr, "%s: %v\n", env.Name, err)
			var ue *UsageError
			if errors.As(err, &ue) {
				fmt.Fprintf(env.Stderr, "run %s -h for help\n", env.Name)
			}
		}
	}
	return code
}
