package batch_test

import (
	"fmt"

	"github.com/cldrest/cldrest/internal/batch"
)

func ExamplePublicID() {
	fmt.Println(batch.PublicID("cats/tom.jpg", "pets", "auto"))
	fmt.Println(batch.PublicID("docs/manual.txt", "", "auto"))
	fmt.Println(batch.PublicID("clip.mp4", "", "raw"))
	// Output:
	// pets/cats/tom
	// docs/manual.txt
	// clip.mp4
}

func ExampleShard() {
	shard, err := batch.ParseShard("1/3")
	if err != nil {
		panic(err)
	}
	// Each relative path belongs to exactly one of the shards 0/3, 1/3, 2/3.
	n := 0
	for _, rel := range []string{"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg"} {
		for i := range 3 {
			if (batch.Shard{Index: i, Count: 3}).Contains(rel) {
				n++
			}
		}
	}
	fmt.Println(shard, n)
	// Output: 1/3 6
}

func ExampleMatchGlob() {
	fmt.Println(batch.MatchGlob("*.jpg", "2026/05/beach.jpg"))
	fmt.Println(batch.MatchGlob("2026/**/*.png", "2026/05/01/logo.png"))
	fmt.Println(batch.MatchGlob("drafts/**", "final/a.jpg"))
	// Output:
	// true
	// true
	// false
}
