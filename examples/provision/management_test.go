package main

import "testing"

// TestManagementFollowsTLS checks that without --rabbitmq-api the
// management API of an amqps:// broker is reached over https on 15671, so
// the AMQP password is never sent in plaintext; amqp:// keeps 15672.
func TestManagementFollowsTLS(t *testing.T) {
	for amqpURL, want := range map[string]string{
		"amqps://ops:secret@rabbit.example.com:5671/": "https://rabbit.example.com:15671",
		"amqp://ops:secret@127.0.0.1:5672/":           "http://127.0.0.1:15672",
	} {
		m, err := options{amqp: []string{amqpURL}}.management()
		if err != nil {
			t.Fatal(err)
		}
		if len(m.URLs) != 1 || m.URLs[0] != want || m.User != "ops" {
			t.Errorf("%s: management %v as %q; want %s as ops", amqpURL, m.URLs, m.User, want)
		}
	}
}
