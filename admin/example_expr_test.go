package admin_test

import (
	"fmt"

	"github.com/cldrest/cldrest/admin"
)

// Build a search expression from user input: values are quoted as needed,
// so they cannot change the structure of the query.
func ExampleAnd() {
	userTag := `summer "sale"`
	expr := admin.And(
		admin.Field("resource_type").Match("image"),
		admin.Field("tags").Eq(userTag),
		admin.Or(admin.Field("format").Eq("jpg"), admin.Field("format").Eq("png")),
		admin.Not(admin.Field("public_id").Prefix("tmp/")),
		admin.Field("bytes").Range(1000, 5_000_000),
		admin.Field("uploaded_at").Gt("1w"),
	)
	fmt.Println(expr)
	// Output:
	// resource_type:image AND tags="summer \"sale\"" AND (format=jpg OR format=png) AND NOT public_id:tmp/* AND bytes:[1000 TO 5000000] AND uploaded_at>1w
}

// A hand-written expression combined with built parts is parenthesized.
func ExampleRawExpr() {
	expr := admin.RawExpr("tags=a OR tags=b").And(admin.Field("folder").Eq("shoes/red"))
	fmt.Println(expr)
	// Output:
	// (tags=a OR tags=b) AND folder="shoes/red"
}
