package scan

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// The progress bar: on a terminal, long scans show how far they are.

// progressMinSize is the smallest file that gets a bar in auto mode; a
// smaller one is done before a bar would be readable.
const progressMinSize = 32 << 20

type counter struct{ n atomic.Int64 }

func (c *counter) add(n int64) { c.n.Add(n) }
func (c *counter) load() int64 { return c.n.Load() }

type progress struct {
	w     io.Writer
	name  string
	size  int64
	read  *counter
	start time.Time
	done  chan struct{}
	wg    sync.WaitGroup
}

// startProgress starts a bar for a file of size bytes (-1 when unknown),
// or returns nil when mode and the terminal say there is to be none.
func startProgress(stderr io.Writer, mode, name string, size int64, cr *countingReader) *progress {
	switch mode {
	case "never":
		return nil
	case "auto":
		f, ok := stderr.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) || (size >= 0 && size < progressMinSize) {
			return nil
		}
	}
	p := &progress{w: stderr, name: safe(name), size: size, read: &cr.n, start: time.Now(), done: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			p.render()
			fmt.Fprint(p.w, "\n")
			return
		case <-t.C:
			p.render()
		}
	}
}

func (p *progress) stop() {
	close(p.done)
	p.wg.Wait()
}

// render draws "\rscanning NAME [=====>    ]  45%  1.2 GB / 2.6 GB  850 MB/s".
func (p *progress) render() {
	n := p.read.load()
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	var sb strings.Builder
	sb.WriteString("\rscanning ")
	sb.WriteString(p.name)
	if p.size > 0 {
		frac := min(float64(n)/float64(p.size), 1)
		const width = 30
		filled := int(frac * width)
		sb.WriteString(" [")
		sb.WriteString(strings.Repeat("=", filled))
		if filled < width {
			sb.WriteString(">")
			sb.WriteString(strings.Repeat(" ", width-filled-1))
		}
		fmt.Fprintf(&sb, "] %3.0f%%  %s / %s", frac*100, human(float64(n)), human(float64(p.size)))
	} else {
		fmt.Fprintf(&sb, "  %s", human(float64(n)))
	}
	fmt.Fprintf(&sb, "  %s/s\x1b[K", human(rate))
	io.WriteString(p.w, sb.String())
}

// human formats a byte count: "850 MB", "1.2 GB".
func human(b float64) string {
	switch {
	case b >= 1e9:
		return fmt.Sprintf("%.1f GB", b/1e9)
	case b >= 1e6:
		return fmt.Sprintf("%.0f MB", b/1e6)
	case b >= 1e3:
		return fmt.Sprintf("%.0f KB", b/1e3)
	}
	return fmt.Sprintf("%.0f B", b)
}
