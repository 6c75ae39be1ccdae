package client

import "encoding/json"

// UnmarshalJSON reads a secret from a JSON string (null and "" give the
// zero Secret), for API answers that carry one, such as the access keys of
// the Provisioning API. Marshalling it again writes the placeholder: a
// decoded secret never round-trips into output by accident.
func (s *Secret) UnmarshalJSON(b []byte) error {
	var v *string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v == nil {
		*s = Secret{}
		return nil
	}
	*s = NewSecret(*v)
	return nil
}
