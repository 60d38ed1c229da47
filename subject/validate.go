package subject

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"custos.dev/custos"
	"custos.dev/custos/pii"
	"custos.dev/custos/policy"
	"custos.dev/custos/vault"
)

// securityCodeName matches field names that hold a card security code, in any nesting
// and spelling (R-PAY-1): cvv, CVV2, cvc, cvn2, cid, security_code, securityCode, 安全码.
var securityCodeName = regexp.MustCompile(`(?i)^(cvv2?|cvc2?|cvn2?|cid|card_?security_?code|security_?code|安全码|卡安全码)$`)

var securityCodeValue = regexp.MustCompile(`^[0-9]{3,4}$`)

// refuseSecurityCodes walks a JSON body and refuses it if any field named like a security
// code holds 3 or 4 digits, whether as a string or a number. The error names the field and
// never the value (R-PAY-1).
func refuseSecurityCodes(v any, path string) error {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			norm := strings.NewReplacer("-", "_", " ", "").Replace(strings.TrimSpace(k))
			if securityCodeName.MatchString(norm) && looksLikeCode(t[k]) {
				return custos.FieldError(custos.KindUnprocessable, p, "a payment card security code may never be stored (R-PAY-1)")
			}
			if err := refuseSecurityCodes(t[k], p); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range t {
			if err := refuseSecurityCodes(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func looksLikeCode(v any) bool {
	switch t := v.(type) {
	case string:
		return securityCodeValue.MatchString(strings.TrimSpace(t))
	case json.Number:
		return securityCodeValue.MatchString(t.String())
	}
	return false
}

// decodeAny decodes a JSON body into generic values, numbers kept as written.
func decodeAny(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, custos.Errorf(custos.KindInvalid, "malformed JSON")
	}
	if dec.More() {
		return nil, custos.Errorf(custos.KindInvalid, "trailing data after the JSON value")
	}
	return v, nil
}

// checkRecord validates a record body for a category: security codes first (R-PAY-1), then
// that it is an object of declared fields (R-INV-1) holding strings, then each field's
// validator (R-PAY-2, R-PUR-3). It returns the fields.
func checkRecord(eng *policy.Engine, cat policy.Category, body []byte) (map[string]string, error) {
	v, err := decodeAny(body)
	if err != nil {
		return nil, err
	}
	if err := refuseSecurityCodes(v, ""); err != nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, custos.Errorf(custos.KindInvalid, "want a JSON object of fields")
	}
	if len(obj) == 0 {
		return nil, custos.Errorf(custos.KindInvalid, "a record needs at least one field")
	}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	fields := make(map[string]string, len(obj))
	for _, name := range names {
		f, ok := eng.Field(cat, name)
		if !ok {
			return nil, custos.FieldError(custos.KindUnprocessable, name, fmt.Sprintf("not a declared field of %s (R-INV-1)", eng.CategoryName(cat)))
		}
		if !f.IsStorable() {
			return nil, custos.FieldError(custos.KindUnprocessable, name, "this field may never be stored (R-PAY-1)")
		}
		s, ok := obj[name].(string)
		if !ok {
			return nil, custos.FieldError(custos.KindInvalid, name, "want a string")
		}
		if len(s) > 64<<10 {
			return nil, custos.FieldError(custos.KindInvalid, name, "longer than 64 KiB")
		}
		if err := validateField(f.Validator, s); err != nil {
			return nil, custos.FieldError(custos.KindUnprocessable, name, err.Error())
		}
		fields[name] = s
	}
	return fields, nil
}

// validateField checks a value with the validator the policy names; the error says what
// is wrong without repeating the value.
func validateField(validator, s string) error {
	switch validator {
	case "":
		return nil
	case "cn_resident_id":
		if !pii.ValidResidentID(strings.TrimSpace(s)) {
			return fmt.Errorf("not a valid resident ID number (GB 11643 check digit, date and region) (R-PUR-3)")
		}
	case "cn_uscc":
		if !pii.ValidUSCC(strings.TrimSpace(s)) {
			return fmt.Errorf("not a valid unified social credit code (GB 32100 check character) (R-PUR-3)")
		}
	case "cn_mobile":
		if !pii.ValidMobile(normalMobile(s)) {
			return fmt.Errorf("not a mainland China mobile number")
		}
	case "luhn":
		d := digitsOnly(s)
		if len(d) < 13 || len(d) > 19 || !pii.Luhn(d) {
			return fmt.Errorf("not a valid card number (Luhn) (R-PAY-2)")
		}
	case "email":
		if a, err := mail.ParseAddress(s); err != nil || a.Address != strings.TrimSpace(s) {
			return fmt.Errorf("not an e-mail address")
		}
	case "ip":
		if _, err := netip.ParseAddr(strings.TrimSpace(s)); err != nil {
			return fmt.Errorf("not an IP address")
		}
	default:
		return fmt.Errorf("the policy names an unknown validator")
	}
	return nil
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r != ' ' && r != '-' {
			return ""
		}
	}
	return b.String()
}

// normalMobile strips grouping and the +86/0086/86 prefix (vault.Normalize's rules, the
// same the lookup tokens use); a value it cannot normalise is returned as it was, for the
// validator to refuse.
func normalMobile(s string) string {
	if n, err := vault.Normalize(vault.KindMobile, s); err == nil {
		return n
	}
	return s
}
