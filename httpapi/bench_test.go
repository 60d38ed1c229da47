package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"custos.dev/custos/auth"
)

// BenchmarkDecisionsHTTP posts batches of 10,000 questions over loopback TCP to the real
// server (SQLite store, default policy) and reports decisions per second, with one client
// and with as many concurrent clients as cores.
func BenchmarkDecisionsHTTP(b *testing.B) {
	purposes := []string{"complete_transaction", "manage_account", "marketing", "fraud_prevention", "improve_services"}
	states := []string{"active", "active", "active", "trial", "cancelled"}
	var sb strings.Builder
	sb.WriteString(`{"questions":[`)
	for i := range 10000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, q, states[i%len(states)], "administrator_data", purposes[i%len(purposes)])
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	for _, clients := range []int{1, 2} {
		b.Run(fmt.Sprintf("batch=10000/clients=%d", clients), func(b *testing.B) {
			e := newBenchEnv(b)
			tr := &http.Transport{MaxIdleConnsPerHost: clients}
			c := &http.Client{Transport: tr}
			post := func() error {
				req, _ := http.NewRequest("POST", e.srv.URL+"/v1/decisions", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+e.tokens[auth.RolePrivacyOfficer])
				res, err := c.Do(req)
				if err != nil {
					return err
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					return fmt.Errorf("status %d", res.StatusCode)
				}
				return nil
			}
			b.SetBytes(int64(len(body)))
			start := time.Now()
			var n int
			var mu sync.Mutex
			b.ResetTimer()
			for b.Loop() {
				var wg sync.WaitGroup
				errs := make(chan error, clients)
				for range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if err := post(); err != nil {
							errs <- err
							return
						}
						mu.Lock()
						n++
						mu.Unlock()
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*10000)/time.Since(start).Seconds(), "decisions/s")
		})
	}
}
