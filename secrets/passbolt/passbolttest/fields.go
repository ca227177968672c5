package passbolttest

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// resourceInput is a decoded resource body: present fields only.
type resourceInput struct {
	raw     map[string]json.RawMessage
	strs    map[string]*string // nil value: JSON null
	secrets []secretInput
	hasSecr bool
}

type secretInput struct {
	UserID string `json:"user_id"`
	Data   string `json:"data"`
}

var resourceFields = []struct {
	name string
	max  int
}{{"name", 255}, {"username", 255}, {"uri", 1024}, {"description", 10000}, {"resource_type_id", 36}}

// decodeResource reads the body and checks field types and lengths,
// collecting errors as the real server's entity validation does.
func decodeResource(body []byte, errs fieldErrors) (*resourceInput, bool) {
	in := &resourceInput{strs: map[string]*string{}}
	if err := json.Unmarshal(body, &in.raw); err != nil {
		return nil, false
	}
	for _, f := range resourceFields {
		v, ok := in.raw[f.name]
		if !ok {
			continue
		}
		if string(v) == "null" {
			in.strs[f.name] = nil
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			errs.add(f.name, "isString", "The "+f.name+" should be a string.")
			continue
		}
		if !utf8.ValidString(s) {
			errs.add(f.name, "utf8Extended", "The "+f.name+" should be a valid UTF8 string.")
		} else if utf8.RuneCountInString(s) > f.max {
			errs.add(f.name, "maxLength", "The "+f.name+" length should be maximum "+strconv.Itoa(f.max)+" characters.")
		}
		in.strs[f.name] = &s
	}
	if v, ok := in.raw["secrets"]; ok {
		in.hasSecr = true
		if json.Unmarshal(v, &in.secrets) != nil {
			errs.add("secrets", "isArray", "The secrets should be a list.")
		}
		for i, sec := range in.secrets {
			if pgp.CheckArmor(sec.Data) != nil {
				errs.add("secrets."+strconv.Itoa(i)+".data", "isValidOpenPGPMessage", "The message should be a valid ASCII-armored gpg message.")
			}
		}
	}
	return in, true
}

func (in *resourceInput) str(name string) (string, bool) {
	p, ok := in.strs[name]
	if !ok || p == nil {
		return "", ok
	}
	return *p, true
}
