package teamvault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds the team file and vault config read: 4 MiB, the
// limit access puts on team files.
const maxFileSize = 4 << 20

// decodeStrict reads data as exactly one YAML document and refuses what
// would let a reviewer read the file differently from the vault: duplicate
// keys, anchors and aliases, explicit tags, a second document.
func decodeStrict(what string, data []byte) (*yaml.Node, error) {
	if len(data) > maxFileSize {
		return nil, invalid(what, "", "%d bytes, the limit is %d", len(data), maxFileSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, invalid(what, "", "empty file")
		}
		return nil, invalid(what, "", "%v", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, invalid(what, "", "more than one YAML document")
	}
	if len(doc.Content) == 0 {
		return nil, invalid(what, "", "empty file")
	}
	if err := strictNode(what, doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

func strictNode(what string, n *yaml.Node) error {
	at := fmt.Sprintf("%s:%d", what, n.Line)
	switch {
	case n.Kind == yaml.AliasNode || n.Anchor != "":
		return invalid(at, "", "anchors and aliases are not allowed")
	case n.Style&yaml.TaggedStyle != 0:
		return invalid(at, "", "explicit tag %s is not allowed", n.Tag)
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return invalid(fmt.Sprintf("%s:%d", what, k.Line), "", "a mapping key must be a plain string")
			}
			if seen[k.Value] {
				return invalid(fmt.Sprintf("%s:%d", what, k.Line), "", "duplicate key %q", k.Value)
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		if err := strictNode(what, c); err != nil {
			return err
		}
	}
	return nil
}

// pairs calls fn for each key and value of mapping n, refusing keys not in
// allowed (nil allows any).
func pairs(what string, n *yaml.Node, allowed []string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return invalid(fmt.Sprintf("%s:%d", what, n.Line), "", "want a mapping")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			return invalid(fmt.Sprintf("%s:%d", what, k.Line), k.Value, "unknown field (allowed: %v)", allowed)
		}
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// stringList reads a sequence of scalars.
func stringList(what, field string, n *yaml.Node) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(fmt.Sprintf("%s:%d", what, n.Line), field, "want a list")
	}
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return nil, invalid(fmt.Sprintf("%s:%d", what, c.Line), field, "want a string")
		}
	}
	return n.Content, nil
}
