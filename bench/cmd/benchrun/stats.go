package main

import (
	"math"
	"slices"
)

// summary is the median and range of a series.
type summary struct {
	Median, Min, Max float64
	N                int
}

func summarize(xs []float64) summary {
	if len(xs) == 0 {
		return summary{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return summary{Median: med, Min: s[0], Max: s[n-1], N: n}
}

// ratios returns a[i]/b[i] for every pair.
func ratios(a, b []float64) []float64 {
	n := min(len(a), len(b))
	out := make([]float64, 0, n)
	for i := range n {
		if b[i] == 0 {
			out = append(out, math.NaN())
			continue
		}
		out = append(out, a[i]/b[i])
	}
	return out
}

// mannWhitneyP returns the two-sided p-value of the Mann-Whitney U test of a
// against b, exact (by enumerating every split of the pooled ranks, ties as
// mid-ranks) when that is cheap, else by the normal approximation. It is
// the test benchstat uses to say whether two series differ.
func mannWhitneyP(a, b []float64) float64 {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return math.NaN()
	}
	type obs struct {
		v    float64
		inA  bool
		rank float64
	}
	pool := make([]obs, 0, n1+n2)
	for _, v := range a {
		pool = append(pool, obs{v: v, inA: true})
	}
	for _, v := range b {
		pool = append(pool, obs{v: v})
	}
	slices.SortFunc(pool, func(x, y obs) int {
		switch {
		case x.v < y.v:
			return -1
		case x.v > y.v:
			return 1
		}
		return 0
	})
	for i := 0; i < len(pool); {
		j := i
		for j < len(pool) && pool[j].v == pool[i].v {
			j++
		}
		mid := float64(i+j+1) / 2 // ranks are 1-based: (i+1 + j) / 2
		for k := i; k < j; k++ {
			pool[k].rank = mid
		}
		i = j
	}
	ranks := make([]float64, len(pool))
	obsSum := 0.0
	for i, o := range pool {
		ranks[i] = o.rank
		if o.inA {
			obsSum += o.rank
		}
	}
	base := float64(n1*(n1+1)) / 2
	center := float64(n1*n2) / 2
	dev := math.Abs(obsSum - base - center)

	if binom(n1+n2, n1) <= 2_000_000 {
		var total, extreme float64
		var walk func(start, left int, sum float64)
		walk = func(start, left int, sum float64) {
			if left == 0 {
				total++
				if math.Abs(sum-base-center) >= dev-1e-9 {
					extreme++
				}
				return
			}
			for i := start; i <= len(ranks)-left; i++ {
				walk(i+1, left-1, sum+ranks[i])
			}
		}
		walk(0, n1, 0)
		return extreme / total
	}
	sd := math.Sqrt(float64(n1*n2*(n1+n2+1)) / 12)
	z := dev / sd
	return math.Erfc(z / math.Sqrt2)
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
