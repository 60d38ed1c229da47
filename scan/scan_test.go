package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/bench/pii/gen"
	"custos.dev/custos/pii"
	"custos.dev/custos/scan"
)

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func runScan(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := scan.Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

type jsonFinding struct {
	File       string   `json:"file"`
	Offset     int64    `json:"offset"`
	Length     int      `json:"length"`
	Line       int64    `json:"line"`
	Type       string   `json:"type"`
	Confidence float64  `json:"confidence"`
	Reason     string   `json:"reason"`
	Value      *string  `json:"value"`
	Extra      []string `json:"-"`
}

func parseJSON(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var fs []jsonFinding
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var f jsonFinding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		fs = append(fs, f)
	}
	return fs
}

const ticket = "工单 #1\r\n客户：手机 13800138000\r\n卡号 6222 0212 3456 7890 128 CVV 123\nmail bob@example.com\n"

// R-SUP-4: the report says where PI is, never what it is.
func TestScanReport(t *testing.T) {
	t.Run("NothingFoundExitsZero", func(t *testing.T) {
		r := runScan(t, "hello, 2024-05-19 12:00:00, order done\n")
		if r.code != scan.ExitClean || r.stdout != "" {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("FoundExitsOneWithoutValues", func(t *testing.T) {
		r := runScan(t, ticket)
		if r.code != scan.ExitFound {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		want := "-:2:17: cn_mobile 0.98 segment,keyword\n" +
			"-:3:8: bank_card 0.97 checksum,iin,grouped,keyword\n" +
			"-:3:36: card_security_code 0.95 keyword,card_nearby\n" +
			"-:4:6: email 0.95 syntax\n"
		if diff := cmp.Diff(want, r.stdout); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		for _, v := range []string{"13800138000", "6222", "123\n", "bob@"} {
			if strings.Contains(r.stdout, v) {
				t.Errorf("report shows value %q", v)
			}
		}
	})
	t.Run("ShowValues", func(t *testing.T) {
		r := runScan(t, ticket, "--show-values")
		if !strings.Contains(r.stdout, "cn_mobile 0.98 segment,keyword 13800138000\n") {
			t.Errorf("got %q", r.stdout)
		}
	})
	t.Run("JSONOffsetsAndLines", func(t *testing.T) {
		p := writeFile(t, "ticket.txt", ticket)
		r := runScan(t, "", "--json", p)
		if r.code != scan.ExitFound {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		got := parseJSON(t, r.stdout)
		want := []jsonFinding{
			{File: p, Offset: 27, Length: 11, Line: 2, Type: "cn_mobile", Confidence: 0.98, Reason: "segment,keyword"},
			{File: p, Offset: 47, Length: 23, Line: 3, Type: "bank_card", Confidence: 0.97, Reason: "checksum,iin,grouped,keyword"},
			{File: p, Offset: 75, Length: 3, Line: 3, Type: "card_security_code", Confidence: 0.95, Reason: "keyword,card_nearby"},
			{File: p, Offset: 84, Length: 15, Line: 4, Type: "email", Confidence: 0.95, Reason: "syntax"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
		for _, f := range got {
			if v := ticket[f.Offset : f.Offset+int64(f.Length)]; strings.Contains(r.stdout, v) {
				t.Errorf("JSON shows value %q", v)
			}
		}
	})
	t.Run("JSONShowValues", func(t *testing.T) {
		got := parseJSON(t, runScan(t, ticket, "--json", "--show-values").stdout)
		if len(got) != 4 || got[0].Value == nil || *got[0].Value != "13800138000" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("OffsetsRestartPerFile", func(t *testing.T) {
		a := writeFile(t, "a.txt", "x 13800138000\n")
		b := writeFile(t, "b.txt", "yy 13900139000\n")
		got := parseJSON(t, runScan(t, "", "--json", a, b).stdout)
		if len(got) != 2 || got[0].File != a || got[0].Offset != 2 || got[1].File != b || got[1].Offset != 3 {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("Types", func(t *testing.T) {
		got := parseJSON(t, runScan(t, ticket, "--json", "--types=email,cn_mobile").stdout)
		if len(got) != 2 || got[0].Type != "cn_mobile" || got[1].Type != "email" {
			t.Errorf("got %+v", got)
		}
	})
}

// R-SUP-4, R-AGENT-1: transcripts are stored redacted.
func TestScanRedact(t *testing.T) {
	keyFile := writeFile(t, "key", "0123456789abcdef0123456789abcdef\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"Mask", []string{"--redact=mask"}, "工单 #1\r\n客户：手机 138****8000\r\n卡号 6222 02** **** ***0 128 CVV ***\nmail b***@example.com\n"},
		{"Tag", []string{"--redact=tag"}, "工单 #1\r\n客户：手机 [cn_mobile]\r\n卡号 [bank_card] CVV [card_security_code]\nmail [email]\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runScan(t, ticket, c.args...)
			if r.code != scan.ExitFound || r.stdout != c.want {
				t.Errorf("exit %d\ngot  %q\nwant %q", r.code, r.stdout, c.want)
			}
		})
	}
	t.Run("TokenFromFile", func(t *testing.T) {
		a := runScan(t, "手机 13800138000", "--redact=token", "--token-key-file", keyFile)
		b := runScan(t, "phone +86 138 0013 8000", "--redact=token", "--token-key-file", keyFile)
		if a.code != scan.ExitFound || strings.Contains(a.stdout, "0013") {
			t.Fatalf("got %+v", a)
		}
		tok := strings.TrimPrefix(a.stdout, "手机 ")
		if !strings.HasPrefix(tok, "[cn_mobile:") || b.stdout != "phone "+tok {
			t.Errorf("same number, different tokens: %q vs %q", a.stdout, b.stdout)
		}
	})
	t.Run("TokenFromEnv", func(t *testing.T) {
		t.Setenv(scan.EnvTokenKey, "0123456789abcdef0123456789abcdef")
		fromEnv := runScan(t, "13800138000", "--redact=token")
		fromFile := runScan(t, "13800138000", "--redact=token", "--token-key-file", keyFile)
		if fromEnv.stdout != fromFile.stdout || fromEnv.code != scan.ExitFound {
			t.Errorf("env %q, file %q", fromEnv.stdout, fromFile.stdout)
		}
	})
	t.Run("TokenWithoutKey", func(t *testing.T) {
		t.Setenv(scan.EnvTokenKey, "")
		r := runScan(t, "13800138000", "--redact=token")
		if r.code != scan.ExitError || r.stdout != "" || !strings.Contains(r.stderr, scan.EnvTokenKey) {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("TokenKeyTooShort", func(t *testing.T) {
		t.Setenv(scan.EnvTokenKey, "13800138000")
		r := runScan(t, "x", "--redact=token")
		if r.code != scan.ExitError || strings.Contains(r.stderr, "13800138000") {
			t.Errorf("got %+v", r)
		}
	})
}

// Errors exit 2 and never contain PI.
func TestScanErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string
		stderr string // must contain
	}{
		{"UnknownFlag", []string{"--bogus"}, "flag provided but not defined"},
		{"BadRedactMode", []string{"--redact=blur"}, "--redact must be"},
		{"JSONWithRedact", []string{"--json", "--redact=tag"}, "exclude each other"},
		{"UnknownType", []string{"--types=13800138000"}, "unknown type"},
		{"MissingFileNamedAfterPhone", []string{"/nonexistent/13800138000.txt"}, "[cn_mobile].txt"},
		{"Directory", []string{os.TempDir()}, "is a directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runScan(t, "", c.args...)
			if r.code != scan.ExitError || !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", r.code, r.stderr, c.stderr)
			}
			if strings.Contains(r.stderr, "13800138000") {
				t.Errorf("stderr %q contains PI", r.stderr)
			}
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errb bytes.Buffer
		if code := scan.Main(ctx, nil, strings.NewReader("13800138000"), &out, &errb); code != scan.ExitError {
			t.Errorf("exit %d after cancel", code)
		}
	})
	t.Run("Help", func(t *testing.T) {
		if r := runScan(t, "", "-h"); r.code != scan.ExitClean || !strings.Contains(r.stderr, "usage: custos scan") {
			t.Errorf("got %+v", r)
		}
	})
}

// TestScanLargeInput: a stream bigger than a chunk gives the offsets and
// lines of a whole-buffer scan.
func TestScanLargeInput(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, 12<<20, 5); err != nil {
		t.Fatal(err)
	}
	src := buf.Bytes()
	r := runScan(t, string(src), "--json")
	got := parseJSON(t, r.stdout)
	want := pii.Scan(src)
	if len(got) != len(want) {
		t.Fatalf("got %d findings, whole-buffer scan %d", len(got), len(want))
	}
	line, counted := int64(1), int64(0)
	for i, w := range want {
		line += int64(bytes.Count(src[counted:w.Offset], []byte{'\n'}))
		counted = w.Offset
		if g := got[i]; g.Offset != w.Offset || g.Length != w.Length || g.Type != w.Type.String() || g.Line != line {
			t.Fatalf("finding %d: got %+v, want offset %d length %d type %v line %d", i, g, w.Offset, w.Length, w.Type, line)
		}
	}
	red := runScan(t, string(src), "--redact=tag")
	if want := pii.Redact(nil, src, pii.Tag, want); red.stdout != string(want) {
		t.Error("streamed redaction differs from whole-buffer redaction")
	}
}

// TestScanProgress: a forced bar draws and ends at 100%.
func TestScanProgress(t *testing.T) {
	p := writeFile(t, "big.txt", strings.Repeat("no pi here, just text\n", 50000))
	r := runScan(t, "", "--progress=always", p)
	if r.code != scan.ExitClean || !strings.Contains(r.stderr, "scanning ") || !strings.Contains(r.stderr, "100%") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	if r := runScan(t, "", p); r.stderr != "" {
		t.Errorf("bar drawn on a non-terminal: %q", r.stderr)
	}
}
