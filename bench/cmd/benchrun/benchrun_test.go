package main

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in          []float64
		med, lo, hi float64
	}{
		{[]float64{3, 1, 2}, 2, 1, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
		{[]float64{7}, 7, 7, 7},
	} {
		s := summarize(tc.in)
		if s.Median != tc.med || s.Min != tc.lo || s.Max != tc.hi || s.N != len(tc.in) {
			t.Errorf("summarize(%v) = %+v", tc.in, s)
		}
	}
	if s := summarize(nil); !math.IsNaN(s.Median) {
		t.Errorf("summarize(nil) median = %v, want NaN", s.Median)
	}
}

func TestRatios(t *testing.T) {
	got := ratios([]float64{1, 4, 3}, []float64{2, 2, 0})
	if got[0] != 0.5 || got[1] != 2 || !math.IsNaN(got[2]) {
		t.Errorf("ratios = %v", got)
	}
}

func TestMannWhitneyP(t *testing.T) {
	// Fully separated samples of 5 and 5: the exact two-sided p is 2/252.
	p := mannWhitneyP([]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10})
	if math.Abs(p-2.0/252) > 1e-12 {
		t.Errorf("separated: p = %v, want %v", p, 2.0/252)
	}
	// Identical samples: p = 1.
	if p := mannWhitneyP([]float64{1, 1, 1}, []float64{1, 1, 1}); p != 1 {
		t.Errorf("identical: p = %v, want 1", p)
	}
	// Interleaved samples are not significant.
	if p := mannWhitneyP([]float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}); p < 0.5 {
		t.Errorf("interleaved: p = %v, want large", p)
	}
	// Large samples use the normal approximation and still separate.
	a, b := make([]float64, 30), make([]float64, 30)
	for i := range a {
		a[i], b[i] = float64(i), float64(i+100)
	}
	if p := mannWhitneyP(a, b); p > 1e-6 {
		t.Errorf("large separated: p = %v", p)
	}
}

func TestShellWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`curl -sS -X POST 'http://h/v1_1/demo/raw/upload' -F 'file=@"/tmp/a b.bin"' --form-string 'x=it'\''s'`,
			[]string{"curl", "-sS", "-X", "POST", "http://h/v1_1/demo/raw/upload", "-F", `file=@"/tmp/a b.bin"`, "--form-string", "x=it's"}},
		{`a "b \"c\" d" e\ f`, []string{"a", `b "c" d`, "e f"}},
	} {
		got, err := shellWords(tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("shellWords(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`a 'b`, `a "b`, `a $(rm -rf x)`, `a | b`, `a "$HOME"`, ``} {
		if got, err := shellWords(bad); err == nil {
			t.Errorf("shellWords(%q) = %q, want an error", bad, got)
		}
	}
}

func TestFmtVal(t *testing.T) {
	for in, want := range map[float64]string{
		0: "0", 0.01234: "0.0123", 1.234: "1.23", 12.34: "12.3", 123.4: "123", 12345.6: "12,346", -1234: "-1,234",
	} {
		if got := fmtVal(in); got != want {
			t.Errorf("fmtVal(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestVerdict(t *testing.T) {
	lower := metric{Lower: true}
	higher := metric{Lower: false}
	for _, tc := range []struct {
		m    metric
		r    []float64
		want string
	}{
		{lower, []float64{0.5, 0.6}, "cldrest ahead"},
		{lower, []float64{1.5}, "behind"},
		{lower, []float64{1.01}, "even"},
		{higher, []float64{2}, "cldrest ahead"},
		{higher, []float64{0.5}, "behind"},
	} {
		if got := verdict(tc.m, tc.r); !strings.Contains(got, tc.want) {
			t.Errorf("verdict(lower=%v, %v) = %q, want %q", tc.m.Lower, tc.r, got, tc.want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	got := redactURL("cloudinary://key:canary_secret_xyz@demo?upload_prefix=http://127.0.0.1:1")
	if strings.Contains(got, "canary_secret_xyz") || !strings.Contains(got, "key:***@demo") {
		t.Errorf("redactURL = %q", got)
	}
}

func TestConfigDefaults(t *testing.T) {
	full := config{node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500}
	full.defaults()
	if full.pairs < 5 || full.bigSize != 1<<30 || full.readerSize != 1<<30 || full.batchFiles != 2000 || full.listN != 10_000 {
		t.Errorf("full defaults = %+v", full)
	}
	if err := full.validate(); err != nil {
		t.Errorf("full defaults invalid: %v", err)
	}
	smoke := config{smoke: true, node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500}
	smoke.defaults()
	if smoke.bigSize >= 100<<20 || smoke.batchFiles > 100 || smoke.listN > 1000 {
		t.Errorf("smoke defaults are not tiny: %+v", smoke)
	}
	bad := full
	bad.pageSize = 501
	if err := bad.validate(); err == nil {
		t.Error("page size 501 accepted")
	}
}
