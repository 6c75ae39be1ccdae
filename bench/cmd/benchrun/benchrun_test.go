package main

import (
	"math"
	"os"
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

func wholeFixture() section {
	return section{
		ID: "cli-batch-discard", Only: "cli-batch", Servers: "discard", Title: "CLI batch",
		Cols: []string{"CLI", "official SDK"},
		Metrics: []metric{
			{Name: "throughput", Unit: "files/s", Series: [][]float64{{300, 400, 330}, {200, 200, 300}}},
			{Name: "peak RSS", Unit: "MiB", Lower: true, Series: [][]float64{{20, 21, 22}, {12, 12, 12}}},
		},
		Ratios: []ratioSpec{
			{Metric: "throughput", Num: 0, Den: 1, Target: &target{Op: ">=", Value: 1.5}, Headline: true},
			{Metric: "peak RSS", Num: 0, Den: 1, Diff: true, Target: &target{Op: "<", Value: 10}, Headline: true},
			{Metric: "peak RSS", Num: 0, Absolute: true, Target: &target{Op: "<=", Value: 21}},
			{Metric: "peak RSS", Num: 1, Den: 0},
		},
		Commands: []string{"CLI: cldrest upload $TMP/x", "official SDK: benchclient -sdk official"},
		Env:      "CLOUDINARY_URL of the discard server",
	}
}

func TestWholeSectionRatiosAndTargets(t *testing.T) {
	s := wholeFixture()
	for _, tc := range []struct {
		r            ratioSpec
		med          float64
		judged, show string
	}{
		{s.Ratios[0], 1.5, "met", "≥ 1.5×"},   // ratios 1.5, 2, 1.1
		{s.Ratios[1], 9, "met", "< 10.0 MiB"}, // differences 8, 9, 10
		{s.Ratios[2], 21, "met", "≤ 21.0 MiB"},
		{s.Ratios[3], 12.0 / 21, "–", ""},
	} {
		m, vals := s.values(tc.r)
		got := summarize(vals).Median
		if math.Abs(got-tc.med) > 1e-9 {
			t.Errorf("%s: median %v, want %v (values %v)", s.label(tc.r), got, tc.med, vals)
		}
		if tc.r.Target != nil && tc.r.Target.show(tc.r, m) != tc.show {
			t.Errorf("%s: target shown %q, want %q", s.label(tc.r), tc.r.Target.show(tc.r, m), tc.show)
		}
		if j := judge(tc.r, vals); j != tc.judged {
			t.Errorf("%s: judged %q, want %q", s.label(tc.r), j, tc.judged)
		}
	}
	if l := s.label(s.Ratios[1]); l != "CLI − official SDK" {
		t.Errorf("diff label %q", l)
	}
	bad := ratioSpec{Metric: "throughput", Num: 0, Den: 1, Target: &target{Op: ">=", Value: 3}}
	if _, vals := s.values(bad); judge(bad, vals) != "**not met**" {
		t.Error("a median below the target was judged met")
	}
	if _, vals := s.values(ratioSpec{Metric: "nope", Num: 0, Den: 1}); vals != nil {
		t.Error("an unknown metric gave values")
	}
}

func TestWholeSectionMarkdown(t *testing.T) {
	r := &report{cfg: config{smoke: true, node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500}}
	r.cfg.defaults()
	r.sections = []section{wholeFixture()}
	md := r.markdown("")
	for _, want := range []string{
		"## Whole process and the issue 16 targets",
		"| CLI batch | CLI / official SDK | throughput, files/s (higher is better) | **1.50** (1.10–2.00) | ≥ 1.5× | met |",
		"| Figure | CLI | official SDK |",
		"| throughput, files/s | 330 (300–400) | 200 (200–300) |",
		"`cd bench && go run ./cmd/benchrun -smoke -servers discard -only cli-batch`",
		"CLI: cldrest upload $TMP/x",
		"  official SDK  200  200  300",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestReproduceNamesNonDefaults(t *testing.T) {
	c := config{node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500, batchFiles: 200, bigSize: 64 << 20, pairs: 3}
	c.defaults()
	r := &report{cfg: c}
	got := r.reproduceOnly("cli-file", "discard")
	want := "cd bench && go run ./cmd/benchrun -pairs 3 -big-size 67108864 -batch-files 200 -servers discard -only cli-file"
	if got != want {
		t.Errorf("reproduce = %q, want %q", got, want)
	}
	smoke := config{smoke: true, node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500}
	smoke.defaults()
	if got := (&report{cfg: smoke}).reproduce(); got != "cd bench && go run ./cmd/benchrun -smoke" {
		t.Errorf("smoke reproduce = %q", got)
	}
}

func TestProcCPU(t *testing.T) {
	// Only what cannot flake: it parses our own entry and refuses a bad pid.
	ns, err := procCPU(os.Getpid())
	if err != nil || ns < 0 {
		t.Fatalf("procCPU(self) = %d, %v", ns, err)
	}
	if _, err := procCPU(-1); err == nil {
		t.Error("procCPU(-1) did not fail")
	}
}

func TestConfigServersAndScale(t *testing.T) {
	for _, tc := range []struct {
		servers, scale string
		ok             bool
	}{
		{"discard,mock", "1000,50000", true},
		{"discard", "20,200", true},
		{"cloudinary", "20,200", false},
		{"discard", "200,20", false},
		{"discard", "20", false},
	} {
		c := config{node: "auto", batchSize: 16 << 10, concurrency: 8, pageSize: 500, servers: tc.servers, scaleFlag: tc.scale}
		c.defaults()
		if err := c.validate(); (err == nil) != tc.ok {
			t.Errorf("servers %q scale %q: err %v, want ok=%v", tc.servers, tc.scale, err, tc.ok)
		}
	}
}
