package httpapi

import (
	"encoding/json"
	"net/http"

	"golang.org/x/mod/sumdb/tlog"

	"custos.dev/custos"
	"custos.dev/custos/auditlog"
)

// The audit endpoints are shaped so that anyone can verify the log with tlog and note
// alone, no custos code: the key and checkpoint as note text, leaves as their exact bytes,
// proofs as RFC 6962 hash lists.

const maxEntriesPerPage = 1000

func (s *Server) auditKey(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte(s.d.Signer.VerifierKey() + "\n"))
	return err
}

func (s *Server) auditCheckpoint(w http.ResponseWriter, r *http.Request) error {
	cp, err := s.d.Audit.Latest(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(cp.Note)
	return err
}

type entry struct {
	Index int64           `json:"index"`
	Leaf  []byte          `json:"leaf"` // base64 of the exact leaf bytes
	Event json.RawMessage `json:"event"`
}

func (s *Server) auditSize(r *http.Request) (int64, error) {
	cp, err := s.d.Audit.Latest(r.Context())
	return cp.Size, err
}

func (s *Server) auditEntries(w http.ResponseWriter, r *http.Request) error {
	start, err := queryInt(r, "start", true, 0)
	if err != nil {
		return err
	}
	end, err := queryInt(r, "end", true, 0)
	if err != nil {
		return err
	}
	if end < start {
		return custos.FieldError(custos.KindInvalid, "end", "must not be less than start")
	}
	if end-start > maxEntriesPerPage {
		return custos.FieldError(custos.KindInvalid, "end", "at most 1000 entries per request")
	}
	size, err := s.auditSize(r)
	if err != nil {
		return err
	}
	end = min(end, size)
	out := struct {
		Entries []entry `json:"entries"`
	}{Entries: []entry{}}
	if start < end {
		leaves, err := s.d.Audit.ReadLeaves(r.Context(), start, int(end-start))
		if err != nil {
			return err
		}
		for _, l := range leaves {
			if l.Index >= end {
				break
			}
			out.Entries = append(out.Entries, entry{Index: l.Index, Leaf: l.Data, Event: json.RawMessage(l.Data)})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) auditInclusion(w http.ResponseWriter, r *http.Request) error {
	index, err := queryInt(r, "index", true, 0)
	if err != nil {
		return err
	}
	size, err := queryInt(r, "size", true, 0)
	if err != nil {
		return err
	}
	current, err := s.auditSize(r)
	if err != nil {
		return err
	}
	if size > current {
		return custos.FieldError(custos.KindInvalid, "size", "larger than the log")
	}
	if index >= size {
		return custos.FieldError(custos.KindInvalid, "index", "must be less than size")
	}
	p, err := tlog.ProveRecord(size, index, auditlog.HashReader(r.Context(), s.d.Audit))
	if err != nil {
		return custos.Internal(err)
	}
	writeJSON(w, http.StatusOK, struct {
		Index int64       `json:"index"`
		Size  int64       `json:"size"`
		Proof []tlog.Hash `json:"proof"`
	}{index, size, nonNil(p)})
	return nil
}

func (s *Server) auditConsistency(w http.ResponseWriter, r *http.Request) error {
	from, err := queryInt(r, "from", true, 0)
	if err != nil {
		return err
	}
	to, err := queryInt(r, "to", true, 0)
	if err != nil {
		return err
	}
	current, err := s.auditSize(r)
	if err != nil {
		return err
	}
	if to > current {
		return custos.FieldError(custos.KindInvalid, "to", "larger than the log")
	}
	if from < 1 || from > to {
		return custos.FieldError(custos.KindInvalid, "from", "want 1 ≤ from ≤ to")
	}
	p, err := tlog.ProveTree(to, from, auditlog.HashReader(r.Context(), s.d.Audit))
	if err != nil {
		return custos.Internal(err)
	}
	writeJSON(w, http.StatusOK, struct {
		From  int64       `json:"from"`
		To    int64       `json:"to"`
		Proof []tlog.Hash `json:"proof"`
	}{from, to, nonNil(p)})
	return nil
}

// nonNil makes an empty proof encode as [] rather than null.
func nonNil(p []tlog.Hash) []tlog.Hash {
	if p == nil {
		return []tlog.Hash{}
	}
	return p
}
