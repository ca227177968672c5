package cli

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress is a progress bar on a terminal and nothing otherwise. A nil
// *Progress is valid and does nothing.
type Progress struct {
	bar *progressbar.ProgressBar
}

// Progress returns a bar of total steps described by desc, drawn on Stderr
// when Terminal reports true; otherwise a silent one.
func (e *Env) Progress(total int, desc string) *Progress {
	if !e.Terminal() {
		return nil
	}
	return &Progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(e.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(65*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// Add advances the bar by n.
func (p *Progress) Add(n int) {
	if p != nil {
		_ = p.bar.Add(n)
	}
}

// Set moves the bar to n.
func (p *Progress) Set(n int) {
	if p != nil {
		_ = p.bar.Set(n)
	}
}

// Finish completes and clears the bar.
func (p *Progress) Finish() {
	if p != nil {
		_ = p.bar.Finish()
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
