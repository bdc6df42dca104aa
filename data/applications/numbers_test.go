package applications

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Within a second, one server's numbers count up; a new second (or
// running out of digits) draws a new random start; two servers drawing
// their starts independently rarely meet.
func TestApplicationNumbersGrowWithinAServer(t *testing.T) {
	var seq numberSequence
	prev := seq.next("20261127120000")
	if prev < 0 || prev >= maxNumberStart {
		t.Fatalf("first number of a second %d, want a start below %d", prev, maxNumberStart)
	}
	for i := 0; i < 10_000; i++ {
		n := seq.next("20261127120000")
		if n != prev+1 {
			t.Fatalf("number %d after %d in the same second", n, prev)
		}
		prev = n
	}
	starts := map[int64]bool{}
	for s := 1; s <= 20; s++ {
		starts[seq.next(fmt.Sprintf("202611271200%02d", s))] = true
	}
	if len(starts) < 15 {
		t.Fatalf("20 new seconds drew only %d different starts: not random", len(starts))
	}
	seq.sec, seq.upcoming = "20261127120100", 999_999
	if n := seq.next("20261127120100"); n != 999_999 {
		t.Fatalf("last 6-digit number %d", n)
	}
	if n := seq.next("20261127120100"); n >= maxNumberStart {
		t.Fatalf("after the digits ran out: %d, want a new start below %d", n, maxNumberStart)
	}
}

func TestNewNumberFormat(t *testing.T) {
	a := &Approvals{now: func() time.Time { return time.Date(2026, 11, 27, 3, 4, 5, 0, time.UTC) }}
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		n := a.newNumber()
		if len(n) != 22 || !strings.HasPrefix(n, "QD20261127110405") { // China time, UTC+8
			t.Fatalf("number %q", n)
		}
		if seen[n] {
			t.Fatalf("number %q handed out twice", n)
		}
		seen[n] = true
	}
}
