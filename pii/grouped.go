package pii

// Grouped numbers: people write mobiles as "138 0013 8000" or
// "+86-138-0013-8000", cards in fours ("6222 0212 3456 7890 128"), and now
// and then an ID as "110105 19900307 002X". A grouping counts only in the
// shapes the type is written in, with one separator used throughout, so
// "2024-05-01" never becomes one number.

// seq is a grouped number: its digits without separators and the length
// and end of each group.
type seq struct {
	d  [maxDigits]byte
	n  int
	gl [maxGroups]uint8
	ge [maxGroups]int
	ng int
}

// parseSeq collects into q the groups that follow the first group b[s:e].
func parseSeq(q *seq, b []byte, s, e int) {
	q.n = copy(q.d[:], b[s:e])
	q.gl[0], q.ge[0], q.ng = uint8(e-s), e, 1
	sep := b[e]
	p := e
	for q.ng < maxGroups && p+1 < len(b) && b[p] == sep && isDigit(b[p+1]) {
		g := digitsEnd(b, p+1, 12) - (p + 1)
		if g > 11 || q.n+g > maxDigits {
			break
		}
		q.n += copy(q.d[q.n:], b[p+1:p+1+g])
		p += 1 + g
		q.gl[q.ng], q.ge[q.ng] = uint8(g), p
		q.ng++
	}
}

// secondGroupFits reports whether a grouped form can start with a group
// of n digits followed by one of m: most digit pairs in text ("2024-05",
// "12 34") cannot, and are turned away before any copying.
func secondGroupFits(n, m int) bool {
	switch n {
	case 2:
		return m == 3 || m == 11 // 86 138 ..., 86-13800138000
	case 3:
		return m == 4 // 138 0013 8000
	case 4:
		return m == 3 || m == 4 || m == 6 || m == 11 // 0086 138, cards
	case 6:
		return m == 8 // 110105 19900307 002X
	}
	return false
}

// shape is what a grouping can be.
type shape uint8

const (
	shapeNone shape = iota
	shapeMobile
	shapeCard
	shapeResident   // 6-8-4
	shapeResident3X // 6-8-3 and the check character X
)

// shapeOf classifies group lengths.
func shapeOf(gl []uint8) shape {
	eq := func(want ...uint8) bool {
		if len(want) != len(gl) {
			return false
		}
		for i, w := range want {
			if gl[i] != w {
				return false
			}
		}
		return true
	}
	switch {
	case eq(3, 4, 4), eq(2, 3, 4, 4), eq(4, 3, 4, 4), eq(2, 11), eq(4, 11):
		return shapeMobile
	case eq(4, 6, 5), eq(4, 6, 4):
		return shapeCard
	case eq(6, 8, 4):
		return shapeResident
	case eq(6, 8, 3):
		return shapeResident3X
	}
	// Fours, with a last group of one to four: 13 to 19 digits.
	if len(gl) >= 4 && len(gl) <= 5 {
		for _, g := range gl[:len(gl)-1] {
			if g != 4 {
				return shapeNone
			}
		}
		if last := gl[len(gl)-1]; last >= 1 && last <= 4 && (len(gl) == 4 || last < 4) {
			return shapeCard
		}
	}
	return shapeNone
}

// grouped tries the grouped forms starting with the group b[s:e]. It
// returns where the loop resumes, or 0 when no grouped form matched and
// the first group is to be judged alone.
func (st *state) grouped(s, e int) int {
	b := st.b
	if joinedLeft(b, s) {
		return 0
	}
	switch e - s {
	case 2:
		if b[s] != '8' || b[s+1] != '6' {
			return 0
		}
	case 3:
		if b[s] != '1' {
			return 0
		}
	}
	if !secondGroupFits(e-s, digitsEnd(b, e+1, 12)-(e+1)) {
		return 0
	}
	var q seq
	parseSeq(&q, b, s, e)
	for k := q.ng; k >= 2; k-- {
		sh := shapeOf(q.gl[:k])
		if sh == shapeNone {
			continue
		}
		end := q.ge[k-1]
		nd := 0
		for _, g := range q.gl[:k] {
			nd += int(g)
		}
		d := q.d[:nd]
		if sh == shapeResident3X {
			if end >= len(b) || (b[end] != 'X' && b[end] != 'x') {
				continue
			}
			end++
		}
		if joinedRight(b, end) || st.partOfEmail(end) {
			continue
		}
		switch sh {
		case shapeMobile:
			prefix := mobileDigits(d)
			if prefix == 0 {
				continue
			}
			start := s
			if prefix > 1 {
				start = st.plusBefore(s) // "+86 138 ..."
			}
			if st.mobile(start, end, true) {
				return end
			}
		case shapeCard:
			if st.card(d, s, end, true) {
				return end
			}
		case shapeResident:
			if residentIDDigits(d[:17], d[17]) == residentOK && st.resident(s, end, keywordBefore(b, s)) {
				return end
			}
		case shapeResident3X:
			if residentIDDigits(d, b[end-1]) == residentOK && st.resident(s, end, keywordBefore(b, s)) {
				return end
			}
		}
	}
	return 0
}
