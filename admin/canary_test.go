package admin

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/cldrest/cldrest/client"
)

// TestSecretNeverLeaks runs successful, failing and invalid calls with debug
// logging on and checks that the canary secret appears in no error, log
// line, result or printed value.
func TestSecretNeverLeaks(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	f := setup(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "missing") {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":{"message":"api_secret mismatch"}}`)
			return
		}
		fmt.Fprint(w, `{"status":"ok","resources":[]}`)
	}, client.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	var out strings.Builder
	ping, err := f.svc.Ping(t.Context())
	fmt.Fprintf(&out, "%v %+v %#v %v\n", err, ping, ping, f.svc)
	_, err = f.svc.Resource(t.Context(), "missing", nil)
	fmt.Fprintf(&out, "%v %+v %#v\n", err, err, err)
	_, err = f.svc.DeleteResourcesByPrefix(t.Context(), "", nil)
	fmt.Fprintf(&out, "%v\n", err)
	rl, _ := f.svc.LastRateLimit()
	fmt.Fprintf(&out, "%+v %v\n", rl, f.svc.Client())
	if logs.Len() == 0 {
		t.Error("no debug log was written; the test would prove nothing")
	}
	for name, text := range map[string]string{"output": out.String(), "logs": logs.String()} {
		if strings.Contains(text, testSecret) {
			t.Errorf("the API secret appears in the %s", name)
		}
	}
}
