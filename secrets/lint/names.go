package lint

import (
	"strings"
	"unicode"
)

// nameClass is what a variable's name says about its value.
type nameClass int

const (
	// nameNeutral says nothing: the value decides (token formats,
	// credentials in URLs, random-looking strings).
	nameNeutral nameClass = iota
	// nameSecret: PASSWORD, TOKEN, SECRET, API_KEY... Any literal value
	// that is not clearly harmless is a secret.
	nameSecret
	// nameNotSecret names something next to a secret that is not one:
	// PASSWORD_FILE, TOKEN_URL, SECRET_NAME, GPG_KEY, *_SHA256. Only a
	// known token format counts.
	nameNotSecret
)

// secretRoots are words that make a name secret, alone or as the end of a
// fused word (DBPASSWORD, APITOKEN).
var secretRoots = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN", "APIKEY", "SECRETKEY",
	"PRIVATEKEY", "ACCESSKEY", "CREDENTIAL", "CREDENTIALS", "CREDS"}

// secretWords make a name secret only as whole words: PASS is also part of
// PASSENGER, AUTH of AUTHOR.
var secretWords = map[string]bool{"PASS": true, "PWD": true, "PW": true, "AUTH": true, "SALT": true, "PEPPER": true}

// keyQualifiers make KEY secret when they come right before it: API_KEY,
// PRIVATE_KEY, SIGNING_KEY. KEY alone (CACHE_KEY, SORT_KEY, GPG_KEY) is
// not a secret word.
var keyQualifiers = map[string]bool{"API": true, "ACCESS": true, "SECRET": true, "PRIVATE": true, "ENCRYPTION": true,
	"SIGNING": true, "MASTER": true, "CLIENT": true, "AUTH": true, "APP": true, "SESSION": true, "LICENSE": true,
	"ACCOUNT": true, "STORAGE": true, "ADMIN": true, "SERVICE": true, "WEBHOOK": true, "HMAC": true, "JWT": true,
	"DEPLOY": true, "SSH": true, "CRYPT": true, "CIPHER": true, "AES": true, "SHARED": true, "ROOT": true}

// notSecretAfter are words that, after the secret word, make the name
// describe the secret instead of holding it: PASSWORD_FILE, TOKEN_URL,
// SECRET_NAME, PASSWORD_MIN_LENGTH.
var notSecretAfter = map[string]bool{
	"FILE": true, "FILES": true, "PATH": true, "DIR": true, "DIRECTORY": true, "LOCATION": true, "URL": true, "URI": true,
	"ENDPOINT": true, "HOST": true, "PORT": true, "NAME": true, "NAMES": true, "USER": true, "USERNAME": true, "ID": true,
	"IDS": true, "SID": true, "LENGTH": true, "LEN": true, "SIZE": true, "MIN": true, "MAX": true, "TTL": true, "TIMEOUT": true,
	"EXPIRY": true, "EXPIRES": true, "EXPIRATION": true, "LIFETIME": true, "AGE": true, "ROUNDS": true,
	"ITERATIONS": true, "COUNT": true, "ENABLED": true, "DISABLED": true, "ENABLE": true, "DISABLE": true,
	"REQUIRED": true, "POLICY": true, "ALGORITHM": true, "ALGO": true, "HEADER": true, "TYPE": true, "MODE": true,
	"METHOD": true, "PROVIDER": true, "ISSUER": true, "AUDIENCE": true, "SCOPE": true, "SCOPES": true, "REGION": true,
	"VERSION": true, "FORMAT": true, "PREFIX": true, "SUFFIX": true, "KIND": true, "STRATEGY": true, "BACKEND": true,
	"STORE": true, "ARN": true, "REF": true, "HINT": true, "ROTATION": true, "COMPLEXITY": true, "STRENGTH": true,
	"LIMIT": true, "RETRIES": true, "INTERVAL": true, "PERIOD": true, "DAYS": true, "HOURS": true, "MINUTES": true,
	"SECONDS": true, "CHARS": true, "FIELD": true, "PARAM": true, "KEYRING": true, "MOUNT": true, "VAULT": true,
	"MANAGER": true, "CMD": true, "COMMAND": true, "HELPER": true, "SOURCE": true, "ENV": true, "VAR": true,
	"EXPIRE": true, "LOGIN": true, "HASHER": true, "HASHERS": true, "VALIDATOR": true, "VALIDATORS": true, "ENCODER": true, "RESET": true, "CHANGE": true, "PROMPT": true,
}

// notSecretNames are whole names that look secret but are not: the shell's
// working directory, the release signing key fingerprints official images
// set (Dockle exempts GPG_KEY too).
var notSecretNames = map[string]bool{"PWD": true, "OLDPWD": true, "GPG_KEY": true, "GPG_KEYS": true, "PGP_KEY": true,
	"PGP_KEYS": true, "GPG_KEY_ID": true}

// notSecretWords anywhere in a name make it a description: digests and
// fingerprints are public.
var notSecretWords = map[string]bool{"SHA": true, "SHA1": true, "SHA256": true, "SHA512": true, "CHECKSUM": true,
	"DIGEST": true, "HASH": true, "INTEGRITY": true, "FINGERPRINT": true, "COMMIT": true, "REVISION": true,
	"PUBLIC": true, "PUB": true, "PUBLISHABLE": true, "GPG": true, "PGP": true, "NO": true, "SKIP": true, "USE": true, "IS": true, "HAS": true}

// classifyName says what name tells about its value.
func classifyName(name string) nameClass {
	up := strings.ToUpper(strings.TrimSpace(name))
	if v, ok := notSecretNames[up]; ok && v {
		return nameNotSecret
	}
	words := splitName(name)
	last := -1
	for i := range words {
		if isSecretWord(words, i) {
			last = i
		}
	}
	if last < 0 {
		for _, w := range words {
			if notSecretWords[w] {
				return nameNotSecret
			}
		}
		// CLIENT_ID, ACCOUNT_SID, API_URL: an identifier, an address.
		if len(words) > 0 && notSecretAfter[words[len(words)-1]] {
			return nameNotSecret
		}
		return nameNeutral
	}
	for _, w := range words {
		if notSecretWords[w] {
			return nameNotSecret
		}
	}
	for _, w := range words[last+1:] {
		if notSecretAfter[w] {
			return nameNotSecret
		}
	}
	return nameSecret
}

// isSecretWord reports whether words[i] marks a secret.
func isSecretWord(words []string, i int) bool {
	w := words[i]
	if w == "KEY" {
		return i > 0 && keyQualifiers[words[i-1]]
	}
	if secretWords[w] {
		// PWD alone is the shell's working directory (handled above);
		// inside a name (DB_PWD) it is a password.
		return true
	}
	for _, r := range secretRoots {
		if strings.HasSuffix(w, r) {
			return true
		}
	}
	return false
}

// splitName splits a variable name into upper-case words at underscores,
// dashes, dots and camelCase boundaries: "dbPassword" and "DB_PASSWORD"
// both give DB, PASSWORD.
func splitName(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
		case unicode.IsUpper(r) && i > 0 && i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsLower(rs[i+1]):
			// "APIKey" -> API, Key
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return words
}
