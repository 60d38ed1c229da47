package dsr_test

import (
	"testing"

	"custos.dev/custos/dsr"
)

// R-DSR-4: deletion instructions are signed as the Standard Webhooks specification says;
// the vector is the specification's own example.
func TestSignStandardWebhooksVector(t *testing.T) {
	got, err := dsr.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if _, err := dsr.Sign("whsec_not base64!", "id", 1, nil); err == nil {
		t.Fatal("a malformed secret was accepted")
	}
}

// R-DSR-7: only the eight grounds of the statement are grounds.
func TestGrounds(t *testing.T) {
	if len(dsr.Grounds) != 8 {
		t.Fatalf("%d grounds, want the statement's 8", len(dsr.Grounds))
	}
	for _, g := range dsr.Grounds {
		if !dsr.ValidGround(g.Ground) || g.ZH == "" || g.EN == "" {
			t.Errorf("ground %q", g.Ground)
		}
	}
	for _, g := range []dsr.Ground{"", "other", "Trade_Secret", "we would rather not"} {
		if dsr.ValidGround(g) {
			t.Errorf("%q accepted as a ground", g)
		}
	}
}
