package directupload

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// ErrRefused is matched (errors.Is) by every *Refusal.
var ErrRefused = errors.New("directupload: request refused")

// Refusal is why a signing request was not signed: the HTTP status it is
// answered with, the parameter at fault (empty when the whole request is)
// and the reason. An Authenticator may return one to choose the answer.
type Refusal struct {
	Status     int           // 4xx
	Param      string        // the parameter refused, or ""
	Reason     string        // why, and how to do it right
	RetryAfter time.Duration // for 429 answers
}

// Error is "param: reason", or the reason alone.
func (r *Refusal) Error() string {
	if r.Param == "" {
		return r.Reason
	}
	return r.Param + ": " + r.Reason
}

// Is makes errors.Is(err, ErrRefused) true.
func (r *Refusal) Is(target error) bool { return target == ErrRefused }

func refuse(status int, param, reason string) *Refusal {
	return &Refusal{Status: status, Param: param, Reason: reason}
}

// errorBody is the JSON answer to a refused request: Cloudinary's error
// shape plus the parameter and reason.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Param   string `json:"param,omitempty"`
		Reason  string `json:"reason"`
	} `json:"error"`
}

func writeRefusal(w http.ResponseWriter, r *Refusal) {
	status := r.Status
	if status < 400 || status > 599 {
		status = http.StatusBadRequest
	}
	var b errorBody
	b.Error.Message, b.Error.Param, b.Error.Reason = r.Error(), r.Param, r.Reason
	if r.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((r.RetryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, status, b)
}
