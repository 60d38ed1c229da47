package pii_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"custos.dev/custos/pii"
)

// found is a finding with its value, for readable test tables.
type found struct {
	Type  string
	Value string
}

func findings(in string) []found {
	var out []found
	for _, f := range pii.Scan([]byte(in)) {
		out = append(out, found{f.Type.String(), in[f.Offset:f.End()]})
	}
	return out
}

func f(typ, value string) found { return found{typ, value} }

// TestScan: what the scanner finds in support text, and what it must
// leave alone. R-SUP-4 (tickets), R-AGENT-1 (agent transcripts), R-PAY-1
// (security codes typed into chats).
func TestScan(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want []found
	}{
		// Resident ID numbers.
		{"ResidentIDInChinese", "身份证号：110105199003071239，谢谢", []found{f("cn_resident_id", "110105199003071239")}},
		{"ResidentIDCheckX", "id card 11010519491231002X ok", []found{f("cn_resident_id", "11010519491231002X")}},
		{"ResidentIDLowerX", "11010519491231002x", []found{f("cn_resident_id", "11010519491231002x")}},
		{"ResidentIDGrouped", "ID: 110105 19900307 1239", []found{f("cn_resident_id", "110105 19900307 1239")}},
		{"ResidentIDWrongCheckNotFound", "身份证号 110105199003071238", nil},
		{"ResidentIDWrongCheckNotACard", "身份证号应该是110105199003071239不是110105199003071235", []found{f("cn_resident_id", "110105199003071239")}},
		{"ResidentIDNoSuchDate", "身份证 110105199002301230", nil},
		{"ResidentIDInsideLongerNumber", "1101051990030712390", nil},
		{"ResidentIDAfterOrderKeyword", "订单号 110105199003071239", nil},
		{"LegacyIDWithKeyword", "老身份证号 110105900307123", []found{f("cn_resident_id", "110105900307123")}},
		{"LegacyIDWithoutKeyword", "编号 110105900307123", nil},

		// Mobile numbers.
		{"MobileChinese", "我的手机号是13800138000，麻烦尽快处理。", []found{f("cn_mobile", "13800138000")}},
		{"MobileFullWidthColon", "电话：13912345678。", []found{f("cn_mobile", "13912345678")}},
		{"MobileSpaced", "call 138 0013 8000 pls", []found{f("cn_mobile", "138 0013 8000")}},
		{"MobileHyphenated", "138-0013-8000", []found{f("cn_mobile", "138-0013-8000")}},
		{"MobilePlus86Spaced", "phone: +86 138 0013 8000", []found{f("cn_mobile", "+86 138 0013 8000")}},
		{"MobilePlus86", "+8613800138000", []found{f("cn_mobile", "+8613800138000")}},
		{"MobilePlus86Hyphens", "+86-138-0013-8000", []found{f("cn_mobile", "+86-138-0013-8000")}},
		{"MobileUnallocatedSegment", "15412345678", nil},
		{"MobileTwelveDigits", "138001380001", nil},
		{"MobileInsideWord", "uid13800138000", nil},
		{"MobileDecimal", "13800138000.5", nil},
		{"MobileAfterOrderKeyword", "order 13800138000", nil},
		{"MobileOrderOnPreviousLine", "cancel my order\n13800138000", []found{f("cn_mobile", "13800138000")}},
		{"MobileCRLF", "tel\r\n13800138000\r\n", []found{f("cn_mobile", "13800138000")}},
		{"LandlineNotMobile", "010-12345678 or 400-820-8820", nil},

		// Bank cards.
		{"CardWithKeyword", "卡号6222021234567890128", []found{f("bank_card", "6222021234567890128")}},
		{"CardGroupedSpaces", "6222 0212 3456 7890 128", []found{f("bank_card", "6222 0212 3456 7890 128")}},
		{"CardGroupedHyphens", "card 4111-1111-1111-1111", []found{f("bank_card", "4111-1111-1111-1111")}},
		{"CardBareKnownIIN", "退款到 4111111111111111 吧", []found{f("bank_card", "4111111111111111")}},
		{"CardAmexGrouped", "3782 822463 10005", []found{f("bank_card", "3782 822463 10005")}},
		{"CardFailsLuhn", "卡号 6222021234567890127", nil},
		{"CardLuhnButOrderNumber", "订单号：6222021234567890128", nil},
		{"CardLuhnButOrderID", `{"order_id":"4111111111111111"}`, nil},
		{"CardAfterRefund", "please refund to 4111111111111111", []found{f("bank_card", "4111111111111111")}},
		{"CardLuhnButReference", "Payment reference 4111111111111111", nil},
		{"CardLuhnButMemberNumber", "会员号 4111111111111111", nil},
		{"UnixMillisNotCard", "ts=1714550400126", nil},
		{"SnowflakeNotCard", "1790123456789012342", nil},
		{"TraceIDNotCard", "trace_id=4bf92f3577b34da6a3ce929d0e0e4736", nil},

		// Card security codes. R-PAY-1.
		{"CVVAfterCard", "卡号6222021234567890128 CVV: 123", []found{f("bank_card", "6222021234567890128"), f("card_security_code", "123")}},
		{"CVVChineseKeyword", "卡号 4111111111111111，安全码是 456", []found{f("bank_card", "4111111111111111"), f("card_security_code", "456")}},
		{"CVCBeforeCard", "CVC 7890 for card 378282246310005", []found{f("card_security_code", "7890"), f("bank_card", "378282246310005")}},
		{"CVVJSON", `{"card":"4111111111111111","cvv":"321"}`, []found{f("bank_card", "4111111111111111"), f("card_security_code", "321")}},
		{"CVVWithoutCard", "what is a CVV 123?", nil},
		{"VerificationCodeNotCVV", "卡号 4111111111111111 验证码 123456", []found{f("bank_card", "4111111111111111")}},
		{"LastFourNotCVV", "尾号1234的卡", nil},

		// USCC.
		{"USCCWithLetters", "统一社会信用代码：91350100M000100Y43", []found{f("cn_uscc", "91350100M000100Y43")}},
		{"USCCWithoutKeyword", "公司 91110108MA01ABCD3L 已注册", []found{f("cn_uscc", "91110108MA01ABCD3L")}},
		{"USCCDigitsWithKeyword", "taxNo=913101151234567893", []found{f("cn_uscc", "913101151234567893")}},
		{"USCCDigitsWithoutKeyword", "编号 913101151234567893", nil},
		{"USCCWrongCheck", "税号 91350100M000100Y44", nil},

		// Passports.
		{"PassportE", "护照号码：E12345678", []found{f("cn_passport", "E12345678")}},
		{"PassportTwoLetters", "passport EA1234567", []found{f("cn_passport", "EA1234567")}},
		{"PassportWithoutKeyword", "error E12345678", nil},
		{"PassportInsideWord", "passport XE12345678", nil},

		// E-mail.
		{"Email", "mail alice.w@example.com, thanks", []found{f("email", "alice.w@example.com")}},
		{"EmailDigitsLocal", "13800138000@163.com", []found{f("email", "13800138000@163.com")}},
		{"EmailJSONEscapedBrackets", `\u003cbob@example.org\u003e`, []found{f("email", "bob@example.org")}},
		{"EmailAfterEscapedNewline", `hi\nbob@example.org`, []found{f("email", "bob@example.org")}},
		{"AnnotationNotEmail", "@Override public", nil},
		{"GoModuleNotEmail", "example.com/x/net@v0.17.0/http2", nil},

		// IP addresses.
		{"IPv4", "from 192.168.1.20:8080", []found{f("ipv4", "192.168.1.20")}},
		{"IPv4AfterColon", "ip:10.0.0.1", []found{f("ipv4", "10.0.0.1")}},
		{"IPv4OctetTooBig", "1.2.3.256", nil},
		{"IPv4FiveParts", "1.2.3.4.5", nil},
		{"VersionKeywordNotIPv4", "version 1.2.3.4", nil},
		{"UserAgentNotIPv4", "Chrome/120.0.0.0 Safari", nil},
		{"IPv6Full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", []found{f("ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")}},
		{"IPv6Compressed", "from fe80::1ff:fe23:4567:890a now", []found{f("ipv6", "fe80::1ff:fe23:4567:890a")}},
		{"IPv6Loopback", "[::1]:443", []found{f("ipv6", "::1")}},
		{"IPv6MappedIPv4", "::ffff:192.0.2.128", []found{f("ipv6", "::ffff:192.0.2.128")}},
		{"TimeNotIPv6", "12:34:56", nil},
		{"MACNotIPv6", "00:1a:2b:3c:4d:5e", nil},
		{"CppScopeNotIPv6", "std::vector Add::Bed", nil},
		{"SliceNotIPv6", "a[1::2]", nil},

		// Text shapes.
		{"JSONEscapedChinese", `{"msg":"\u624b\u673a\u53f713800138000"}`, []found{f("cn_mobile", "13800138000")}},
		{"JSONEscapedCVV", `{"t":"\u5361\u53f74111111111111111\uff0c\u5b89\u5168\u7801\u662f508"}`, []found{f("bank_card", "4111111111111111"), f("card_security_code", "508")}},
		{"DateAndTimeNothing", "2024-05-19 09:12:31.889 INFO", nil},
		{"Empty", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, findings(c.in)); diff != "" {
				t.Errorf("Scan(%q) (-want +got):\n%s", c.in, diff)
			}
		})
	}
}

// TestScanReasons: each finding says what it rests on.
func TestScanReasons(t *testing.T) {
	fs := pii.Scan([]byte("卡号 6222 0212 3456 7890 128"))
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	want := pii.ReasonChecksum | pii.ReasonIIN | pii.ReasonGrouped | pii.ReasonKeyword
	if fs[0].Reason != want || fs[0].Keyword != "卡号" || fs[0].Confidence < 0.95 {
		t.Errorf("finding %+v, want reason %v keyword 卡号", fs[0], want)
	}
	if got := want.String(); got != "checksum,iin,grouped,keyword" {
		t.Errorf("Reason.String() = %q", got)
	}
}

// TestScannerOptions: types can be switched off, and weak findings
// dropped.
func TestScannerOptions(t *testing.T) {
	in := []byte("手机 13800138000 mail a@example.com 4111111111111111")
	s := pii.NewScanner(pii.Options{Types: []pii.Type{pii.Email}})
	if fs := s.FindAll(in); len(fs) != 1 || fs[0].Type != pii.Email {
		t.Errorf("Types: got %v, want the e-mail only", fs)
	}
	s = pii.NewScanner(pii.Options{MinConfidence: 0.9})
	for _, f := range s.FindAll(in) {
		if f.Confidence < 0.9 {
			t.Errorf("MinConfidence: got %v", f)
		}
		if f.Type == pii.BankCard {
			t.Errorf("MinConfidence: bare card at %.2f not dropped", f.Confidence)
		}
	}
}
