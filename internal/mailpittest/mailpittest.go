// Package mailpittest runs a real SMTP server for tests: mailpit, on free loopback ports,
// stopped when the test ends. Tests read what custos sent through mailpit's API.
//
// The binary is found on PATH, then in $(go env GOPATH)/bin (where `go install
// github.com/axllent/mailpit@v1.33.1` puts it). Without it a test is skipped, except in
// CI (CI=true), where it fails: .ci/run installs mailpit.
package mailpittest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is one running mailpit.
type Server struct {
	// SMTPAddr is HOST:PORT of its SMTP listener.
	SMTPAddr string
	// API is the base URL of its HTTP API.
	API string
}

// Message is what a test reads of a received mail.
type Message struct {
	ID        string
	MessageID string
	From      string
	To        []string
	Subject   string
	Text      string
	HTML      string
}

// Binary returns the mailpit executable's path, or "".
func Binary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "mailpit")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Start runs mailpit for the test; it is killed (by its own pid) at cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := Binary()
	if bin == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("mailpit not installed (go install github.com/axllent/mailpit@v1.33.1); CI must run the mail tests")
		}
		tb.Skip("mailpit not installed: go install github.com/axllent/mailpit@v1.33.1")
	}
	smtpAddr, httpAddr := freeAddr(tb), freeAddr(tb)
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr, "--disable-version-check",
		"--database", filepath.Join(tb.TempDir(), "mailpit.db"), "--quiet")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start mailpit: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	s := &Server{SMTPAddr: smtpAddr, API: "http://" + httpAddr}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.API + "/api/v1/messages")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-done:
			tb.Fatal("mailpit exited at start")
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatal("mailpit did not answer within 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type addr struct {
	Name    string
	Address string
}

func (s *Server) get(tb testing.TB, path string, v any) {
	tb.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		tb.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("mailpit %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatalf("mailpit %s: %v", path, err)
	}
}

// Messages returns every message received, oldest first, with their bodies.
func (s *Server) Messages(tb testing.TB) []Message {
	tb.Helper()
	var list struct {
		Messages []struct{ ID string }
	}
	s.get(tb, "/api/v1/messages?limit=1000", &list)
	out := make([]Message, 0, len(list.Messages))
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var m struct {
			ID        string
			MessageID string
			From      addr
			To        []addr
			Subject   string
			Text      string
			HTML      string
		}
		s.get(tb, "/api/v1/message/"+url.PathEscape(list.Messages[i].ID), &m)
		msg := Message{ID: m.ID, MessageID: m.MessageID, From: m.From.Address, Subject: m.Subject, Text: m.Text, HTML: m.HTML}
		for _, a := range m.To {
			msg.To = append(msg.To, a.Address)
		}
		out = append(out, msg)
	}
	return out
}

// To returns the messages received for one address, oldest first.
func (s *Server) To(tb testing.TB, to string) []Message {
	tb.Helper()
	var out []Message
	for _, m := range s.Messages(tb) {
		for _, a := range m.To {
			if strings.EqualFold(a, to) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// WaitFor waits (at most 30 s) until n messages for to have arrived, and returns them.
func (s *Server) WaitFor(tb testing.TB, to string, n int) []Message {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := s.To(tb, to)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailpit: %d message(s) for the address after 30s, want %d", len(got), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Clear deletes every message.
func (s *Server) Clear(tb testing.TB) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodDelete, s.API+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("mailpit clear: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("mailpit clear: %s", resp.Status)
	}
}

// String names the server in failure messages.
func (s *Server) String() string { return fmt.Sprintf("mailpit(smtp %s)", s.SMTPAddr) }
