package pii

import (
	"errors"
	"fmt"
	"strings"
)

// Type is a kind of personal information the scanner recognises.
type Type uint8

// The recognised types. Their names (String) are stable: they appear in
// JSON output, redaction tags and tokens.
const (
	ResidentID       Type = iota + 1 // cn_resident_id: GB 11643 citizen ID number
	Mobile                           // cn_mobile: mainland mobile number
	BankCard                         // bank_card: payment card number (PAN)
	CardSecurityCode                 // card_security_code: CVV/CVC/CVN2 (R-PAY-1)
	USCC                             // cn_uscc: GB 32100 unified social credit code
	Passport                         // cn_passport: PRC passport number
	Email                            // email
	IPv4                             // ipv4
	IPv6                             // ipv6
	numTypes
)

var typeNames = [numTypes]string{
	ResidentID:       "cn_resident_id",
	Mobile:           "cn_mobile",
	BankCard:         "bank_card",
	CardSecurityCode: "card_security_code",
	USCC:             "cn_uscc",
	Passport:         "cn_passport",
	Email:            "email",
	IPv4:             "ipv4",
	IPv6:             "ipv6",
}

// String returns the stable name of t, e.g. "cn_mobile".
func (t Type) String() string {
	if t == 0 || t >= numTypes {
		return fmt.Sprintf("pii.Type(%d)", uint8(t))
	}
	return typeNames[t]
}

// AllTypes lists every recognised type in declaration order.
func AllTypes() []Type {
	ts := make([]Type, 0, numTypes-1)
	for t := Type(1); t < numTypes; t++ {
		ts = append(ts, t)
	}
	return ts
}

// ParseType returns the type named name (as printed by String).
func ParseType(name string) (Type, error) {
	for t := Type(1); t < numTypes; t++ {
		if typeNames[t] == name {
			return t, nil
		}
	}
	// The name is not echoed: callers pass user input here.
	return 0, errors.New("pii: unknown type name")
}

// Reason is a set of the facts that made the scanner report a finding.
type Reason uint16

// The facts a finding can rest on.
const (
	ReasonChecksum   Reason = 1 << iota // check character or Luhn digit matched
	ReasonDate                          // embedded birth date is a real date
	ReasonRegion                        // embedded province code exists
	ReasonSegment                       // mobile number segment is allocated
	ReasonIIN                           // card prefix belongs to a card scheme
	ReasonGrouped                       // written in the groups the type is written in
	ReasonKeyword                       // a keyword for the type precedes it
	ReasonSyntax                        // address grammar (e-mail, IP) matched
	ReasonCardNearby                    // a card number is nearby (security codes)
)

var reasonNames = []string{"checksum", "date", "region", "segment", "iin", "grouped", "keyword", "syntax", "card_nearby"}

// String lists the facts, comma-separated, e.g. "checksum,keyword". The
// strings of all sets of the known facts are made once: a scan's output
// writes one for every finding.
func (r Reason) String() string {
	if int(r) < len(reasonStrings) {
		return reasonStrings[r]
	}
	return r.names()
}

func (r Reason) names() string {
	var sb strings.Builder
	for i, n := range reasonNames {
		if r&(1<<i) != 0 {
			if sb.Len() > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(n)
		}
	}
	return sb.String()
}

var reasonStrings = func() []string {
	t := make([]string, 1<<len(reasonNames))
	for r := range t {
		t[r] = Reason(r).names()
	}
	return t
}()

// Finding is one piece of PI located in the input. It holds where the
// value is, never the value itself.
type Finding struct {
	Type Type
	// Offset is the byte offset of the first byte of the value, from the
	// start of the input (for ScanReader: of the whole stream).
	Offset int64
	// Length is the value's length in bytes.
	Length int
	// Confidence is in (0, 1]: how sure the scanner is that this is PI of
	// this type.
	Confidence float32
	// Reason lists the facts the finding rests on.
	Reason Reason
	// Keyword is the context keyword that decided the finding, if any
	// (e.g. "卡号", "cvv"). Keywords are not PI.
	Keyword string
}

// End returns the offset just past the value.
func (f Finding) End() int64 { return f.Offset + int64(f.Length) }
