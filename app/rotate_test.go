package app_test

import (
	"context"
	"testing"

	"custos.dev/custos/internal/mailpittest"
)

// TestRotationKeepsWebhookSecrets: rotating the vault's KEK and retiring the old versions
// re-wraps every key it protects — the subjects', the mail outbox's and the recipient
// endpoints' — so a deletion instruction after the rotation is still signed with the
// recipient's secret (R-DSR-4, R-SEC-1).
func TestRotationKeepsWebhookSecrets(t *testing.T) {
	mp := mailpittest.Start(t)
	data := t.TempDir()
	e := newDSREnvAt(t, "sqlite", data, mp)
	const addr = "zhao.lei.rotate@example.cn"
	_, sb := e.subject("individual_customer", addr)
	e.must("POST", "/v1/disclosures", e.officer(), `{"subject_id":"`+sb+`","recipient":"payment_vendors_cn","categories":["payment_data"],"basis":"contract"}`, 201)
	rcv := newReceiver(t, nil)
	secret := e.must("PUT", "/v1/recipients/payment_vendors_cn/endpoint", e.admin(), `{"url":"`+rcv.srv.URL+`/payment_vendors_cn"}`, 200)["secret"].(string)
	rcv.secrets = map[string]string{"payment_vendors_cn": secret}
	e.srv.Close()
	if err := e.a.Close(); err != nil {
		t.Fatal(err)
	}

	// Rotate with the server stopped, retiring the old key versions.
	e = newDSREnvAt(t, "sqlite", data, mp)
	rep, err := e.a.RotateVaultKEK(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	// The subject's key, its three categories' keys, the mail key and the endpoint's key.
	if rep.Rewrapped != 6 || !rep.Retired {
		t.Fatalf("rotation: %+v, want 6 keys re-wrapped and the old versions retired", rep)
	}
	e.srv.Close()
	e.a.Close()

	e = newDSREnvAt(t, "sqlite", data, mp)
	id, key := e.file(addr, `{"type":"deletion","email":"`+addr+`"}`, 1)
	e.sweep()
	got := e.must("GET", "/v1/requests/"+id, key, "", 200)
	if got["state"] != "completed" {
		t.Fatalf("deletion after rotation: %v", got)
	}
	if rcv.effects["payment_vendors_cn"] != 1 || rcv.badSignatures != 0 {
		t.Fatalf("after rotation: effects %v, %d bad signatures", rcv.effects, rcv.badSignatures)
	}
}
