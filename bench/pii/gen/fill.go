package gen

import (
	"fmt"
	"strings"
)

// fillers produce the value of each template placeholder.
var fillers map[string]func(*Generator)

func init() {
	lit := func(f func(v values) string) func(*Generator) {
		return func(g *Generator) { g.text(f(g.v)) }
	}
	fillers = map[string]func(*Generator){
		// Planted PI, labelled.
		"mobile":   func(g *Generator) { g.pi("cn_mobile", g.v.mobile()) },
		"id":       func(g *Generator) { g.pi("cn_resident_id", g.v.residentID()) },
		"id15":     func(g *Generator) { g.pi("cn_resident_id", g.v.legacyID()) },
		"uscc":     func(g *Generator) { g.pi("cn_uscc", g.v.uscc()) },
		"passport": func(g *Generator) { g.pi("cn_passport", g.v.passport()) },
		"email":    func(g *Generator) { g.pi("email", g.v.email()) },
		"ipv4":     func(g *Generator) { g.pi("ipv4", g.v.ipv4()) },
		"ipv6":     func(g *Generator) { g.pi("ipv6", g.v.ipv6()) },
		"card": func(g *Generator) {
			g.lastCard = g.v.card()
			g.pi("bank_card", g.lastCard)
		},
		"cvv": func(g *Generator) { g.pi("card_security_code", g.v.cvv(g.lastCard)) },

		// Decoys and filler, not labelled.
		"ts":         lit(values.timestamp),
		"ts_ms":      lit(func(v values) string { return "17" + v.digits(11) }),
		"ts_unix":    lit(func(v values) string { return "17" + v.digits(8) }),
		"ts_compact": lit(func(v values) string { return "2024" + v.digits(10) }),
		"clock": lit(func(v values) string {
			return fmt.Sprintf("%02d:%02d:%02d", v.r.IntN(24), v.r.IntN(60), v.r.IntN(60))
		}),
		"exp":        lit(func(v values) string { return fmt.Sprintf("%02d/%02d", 1+v.r.IntN(12), 25+v.r.IntN(8)) }),
		"order":      lit(values.orderNumber),
		"trace":      lit(func(v values) string { return v.hex(32) }),
		"snowflake":  lit(func(v values) string { return "17" + v.digits(17) }),
		"uuid":       lit(values.uuid),
		"bad_id":     lit(values.badResidentID),
		"bad_card":   lit(values.badCard),
		"bad_uscc":   lit(values.badUSCC),
		"bad_mobile": lit(values.badMobile),
		"version":    lit(func(v values) string { return v.pick(versions...) }),
		"mac": lit(func(v values) string {
			return strings.Join([]string{v.hex(2), v.hex(2), v.hex(2), v.hex(2), v.hex(2), v.hex(2)}, ":")
		}),
		"landline": lit(func(v values) string {
			return v.pick("010-"+v.digits(8), "400-820-"+v.digits(4), "021-6888 "+v.digits(4), "0755-"+v.digits(8))
		}),
		"amount":   lit(func(v values) string { return fmt.Sprintf("%d.%02d", v.r.IntN(5000), v.r.IntN(100)) }),
		"errcode":  lit(func(v values) string { return v.pick(errcodes...) }),
		"otp":      lit(func(v values) string { return v.digits(6) }),
		"tracking": lit(func(v values) string { return v.pick("SF"+v.digits(12), "YT"+v.digits(13), "773"+v.digits(12)) }),
		"ticket":   lit(func(v values) string { return "2024" + v.digits(10) }),
		"n":        lit(func(v values) string { return fmt.Sprint(1 + v.r.IntN(999)) }),
		"port":     lit(func(v values) string { return fmt.Sprint(1024 + v.r.IntN(64000)) }),
		"last4":    lit(func(v values) string { return v.digits(4) }),
		"sku":      lit(func(v values) string { return "SKU-" + v.digits(8) }),
		"qq":       lit(func(v values) string { return fmt.Sprint(10000000 + v.r.IntN(2000000000)) }),
		"name":     func(g *Generator) { g.text(g.v.pick(names...)) },
		"hex":      lit(func(v values) string { return v.hex(8 + v.r.IntN(9)) }),
		"zhmsg":    func(g *Generator) { g.expand(g.v.pick(zhChat...)) },
		"enmsg":    func(g *Generator) { g.expand(g.v.pick(enChat...)) },
	}
}

func (v values) timestamp() string {
	y, mo, d := 2024, 1+v.r.IntN(12), 1+v.r.IntN(28)
	h, mi, s, ms := v.r.IntN(24), v.r.IntN(60), v.r.IntN(60), v.r.IntN(1000)
	switch v.r.IntN(3) {
	case 0:
		return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, h, mi, s, ms)
	case 1:
		return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d,%03d", y, mo, d, h, mi, s, ms)
	}
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d.%03d", y, mo, d, h, mi, s, ms)
}

func (v values) uuid() string {
	return v.hex(8) + "-" + v.hex(4) + "-4" + v.hex(3) + "-a" + v.hex(3) + "-" + v.hex(12)
}

// legacyID is a first-generation 15-digit ID: region, YYMMDD, serial.
func (v values) legacyID() string {
	return v.pick(provinceCodes...) + fmt.Sprintf("%02d%02d", 1+v.r.IntN(20), 1+v.r.IntN(30)) +
		v.birth()[2:] + v.digits(3)
}
