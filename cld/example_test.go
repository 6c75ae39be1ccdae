package cld_test

import (
	"encoding/json"
	"fmt"

	"github.com/cldrest/cldrest/cld"
)

func ExampleContext_Encode() {
	c := cld.Context{"caption": "a=b|c", "path": `C:\dir`}
	s, err := c.Encode()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	fmt.Println(cld.ParseContext(s)["path"])
	// Output:
	// caption=a\=b\|c|path=C:\\dir
	// C:\dir
}

func ExampleContext_UnmarshalJSON() {
	// Resource details wrap the context in "custom"; search results do not.
	for _, js := range []string{`{"custom":{"alt":"Red shoe","n":5}}`, `{"alt":"Red shoe","n":5}`} {
		var c cld.Context
		if err := json.Unmarshal([]byte(js), &c); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%q %q\n", c["alt"], c["n"])
	}
	// Output:
	// "Red shoe" "5"
	// "Red shoe" "5"
}

func ExampleMetadata_Encode() {
	m := cld.Metadata{"color_id": []string{"green", "red"}, "in_stock_id": 50}
	s, _ := m.Encode()
	fmt.Println(s)
	_, err := cld.Metadata{"flag": true}.Encode()
	fmt.Println(err)
	// Output:
	// color_id=["green","red"]|in_stock_id=50
	// metadata: field "flag": unsupported value type bool; use a string, a number, a time.Time (a date) or a []string (a set)
}

func ExampleParseCoordinates() {
	c, err := cld.ParseCoordinates("10,20,150,130|213,345,82,61")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(c), c[1].Width)
	_, err = cld.ParseCoordinates("10,20,150")
	fmt.Println(err)
	// Output:
	// 2 82
	// coordinates: rectangle 0 "10,20,150": want x,y,width,height (four integers), got 3 values
}
