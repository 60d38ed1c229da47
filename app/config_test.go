package app_test

import (
	"strings"
	"testing"

	"custos.dev/custos"
	"custos.dev/custos/app"
)

// Every setting is reachable from its environment variable (and so from its flag, which
// uses the same table), and a bad duration names the variable.
func TestEverySettingLoadsFromEnv(t *testing.T) {
	for _, s := range app.Settings {
		t.Run(s.Key, func(t *testing.T) {
			if s.Env != "CUSTOS_"+strings.ToUpper(s.Key) || s.Flag != strings.ReplaceAll(s.Key, "_", "-") {
				t.Fatalf("names %q %q for key %q", s.Env, s.Flag, s.Key)
			}
			base := app.DefaultConfig()
			c := base
			v := "custos-test-value"
			if err := s.Set(&c, "bad", s.Env); err == nil {
				v = "bad" // a string setting takes anything; Validate judges it
			} else {
				if custos.FieldOf(err) != s.Env {
					t.Fatalf("error %v names %q, want %q", err, custos.FieldOf(err), s.Env)
				}
				v = "17m"
			}
			c = base
			if err := c.LoadEnv(func(k string) string {
				if k == s.Env {
					return v
				}
				return ""
			}); err != nil {
				t.Fatal(err)
			}
			if c == base {
				t.Fatalf("%s=%s changed nothing", s.Env, v)
			}
		})
	}
}
