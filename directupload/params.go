package directupload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// readParams reads the parameters of a signing request: a JSON object of
// parameters, the Upload Widget's {"params_to_sign": {…}}, or a form
// (urlencoded or multipart, without files). Arrays (JSON arrays, repeated
// keys, name[]) become one comma-joined value, as Cloudinary signs them.
func readParams(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && r.Header.Get("Content-Type") != "" {
		return nil, refuse(http.StatusUnsupportedMediaType, "", "unreadable Content-Type; send application/json or a form")
	}
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyError(err)
		}
		return decodeJSONParams(body)
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(maxRequestBytes)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return nil, bodyError(err)
		}
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
			for name := range r.MultipartForm.File {
				return nil, refuse(http.StatusBadRequest, name, "files go to Cloudinary, not to the signature service: send only the parameters to sign")
			}
		}
		out := url.Values{}
		for k, vs := range r.PostForm {
			k = strings.TrimSuffix(k, "[]")
			out[k] = append(out[k], vs...)
		}
		return out, nil
	}
	return nil, refuse(http.StatusUnsupportedMediaType, "", "send the parameters as application/json, application/x-www-form-urlencoded or multipart/form-data")
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return refuse(http.StatusRequestEntityTooLarge, "", fmt.Sprintf("request body larger than %d bytes", maxRequestBytes))
	}
	return refuse(http.StatusBadRequest, "", "unreadable request body")
}

// decodeJSONParams decodes {"k": v, …} or {"params_to_sign": {"k": v, …}}.
// Values may be strings, numbers, booleans, null (left out) or arrays of
// those (comma-joined).
func decodeJSONParams(body []byte) (url.Values, error) {
	var top map[string]json.RawMessage
	if err := unmarshalNumbers(body, &top); err != nil || top == nil {
		return nil, refuse(http.StatusBadRequest, "", "the body is not a JSON object of parameters")
	}
	if inner, ok := top["params_to_sign"]; ok {
		if len(top) > 1 {
			return nil, refuse(http.StatusBadRequest, "", "with params_to_sign, send nothing else at the top level")
		}
		top = nil
		if err := unmarshalNumbers(inner, &top); err != nil || top == nil {
			return nil, refuse(http.StatusBadRequest, "params_to_sign", "not a JSON object of parameters")
		}
	}
	out := url.Values{}
	for k, raw := range top {
		var v any
		if err := unmarshalNumbers(raw, &v); err != nil {
			return nil, refuse(http.StatusBadRequest, k, "unreadable JSON value")
		}
		vals, ok := jsonValues(v)
		if !ok {
			return nil, refuse(http.StatusBadRequest, k, "give a string, number, boolean or an array of those (context and metadata as their pipe strings k=v|k2=v2)")
		}
		if len(vals) > 0 {
			out[k] = vals
		}
	}
	return out, nil
}

func unmarshalNumbers(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// jsonValues renders a decoded JSON value as parameter values.
func jsonValues(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := jsonScalar(e)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := jsonScalar(v)
	if !ok {
		return nil, false
	}
	return []string{s}, true
}

func jsonScalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		if x {
			return "true", true
		}
		return "false", true
	}
	return "", false
}
