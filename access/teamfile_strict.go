package access

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// MaxTeamFileSize is the largest team file ParseTeamFile and LoadTeamFile
// accept: 4 MiB. A team of 1,000 users with three RSA-4096 keys each is
// about 2.4 MB, so real files fit with room, while parsing the largest file
// accepted stays within tens of megabytes of memory (a 256 MiB file took
// 1.25 GB before there was a limit). LoadTeamFile reads at most this many
// bytes plus one.
const MaxTeamFileSize = 4 << 20

// decodeStrict reads data as exactly one YAML document and refuses what
// would let a reviewer read the file differently from opskit: duplicate
// mapping keys anywhere (the last would win), anchors and aliases (a value
// defined elsewhere), explicit tags, and a second document (ignored by a
// plain decoder). It returns the document's root node, or nil and every
// problem found.
func (p *parser) decodeStrict(data []byte) *yaml.Node {
	if len(data) > MaxTeamFileSize {
		p.fail(nil, "", "", fmt.Errorf("%w: %d bytes, the limit is %d (MaxTeamFileSize)", ErrInvalidField, len(data), MaxTeamFileSize))
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.fail(nil, "", "", fmt.Errorf("%w: empty file", ErrInvalidField))
		} else {
			p.fail(nil, "", "", fmt.Errorf("%w: %v", ErrInvalidField, err))
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		p.fail(nil, "", "", fmt.Errorf("%w: after the first document: %v", ErrInvalidField, err))
	default:
		p.fail(&extra, "", "", fmt.Errorf("%w: a second YAML document; a team file is one document", ErrInvalidField))
	}
	if len(doc.Content) == 0 {
		p.fail(nil, "", "", fmt.Errorf("%w: empty file", ErrInvalidField))
		return nil
	}
	p.strictNode(doc.Content[0])
	if len(p.errs) > 0 {
		return nil
	}
	return doc.Content[0]
}

// strictNode checks n and everything under it.
func (p *parser) strictNode(n *yaml.Node) {
	switch {
	case n.Kind == yaml.AliasNode:
		p.fail(n, "", "", fmt.Errorf("%w: alias *%s: anchors and aliases are not allowed", ErrInvalidField, n.Value))
		return
	case n.Anchor != "":
		p.fail(n, "", "", fmt.Errorf("%w: anchor &%s: anchors and aliases are not allowed", ErrInvalidField, n.Anchor))
	case n.Style&yaml.TaggedStyle != 0:
		p.fail(n, "", "", fmt.Errorf("%w: explicit tag %s is not allowed", ErrInvalidField, n.Tag))
	}
	if n.Kind == yaml.MappingNode {
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				p.fail(k, "", "", fmt.Errorf("%w: a mapping key must be a plain string", ErrInvalidField))
				continue
			}
			if line, dup := first[k.Value]; dup {
				p.fail(k, "", "", fmt.Errorf("%w: duplicate key %q (first on line %d)", ErrInvalidField, k.Value, line))
			} else {
				first[k.Value] = k.Line
			}
		}
	}
	for _, c := range n.Content {
		p.strictNode(c)
	}
}
