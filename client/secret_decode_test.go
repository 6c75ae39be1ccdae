package client_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
)

func TestSecretUnmarshalJSON(t *testing.T) {
	var v struct {
		Key    string        `json:"key"`
		Secret client.Secret `json:"secret"`
		None   client.Secret `json:"none"`
	}
	if err := json.Unmarshal([]byte(`{"key":"k","secret":"`+testSecret+`","none":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.Secret.Reveal() != testSecret || !v.None.IsZero() {
		t.Fatalf("decoded %q / %v", v.Secret.Reveal(), v.None.IsZero())
	}
	out, _ := json.Marshal(v)
	for _, s := range []string{string(out), fmt.Sprintf("%v %+v %#v", v, v, v)} {
		if strings.Contains(s, testSecret) {
			t.Errorf("decoded secret printed: %s", s)
		}
	}
	if err := json.Unmarshal([]byte(`{"secret":12}`), &v); err == nil {
		t.Error("a number decoded as a secret")
	}
}
