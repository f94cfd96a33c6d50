package blueprints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// jsonToNode converts stored config JSON into a YAML mapping node, keeping
// the key order of the JSON (the kind's field order), so exports are stable
// and read like the config struct.
func jsonToNode(raw []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	n, err := readValue(dec)
	if err != nil {
		return nil, fmt.Errorf("read stored config: %w", err)
	}
	if n.Kind != yaml.MappingNode {
		return nil, errors.New("read stored config: not a JSON object")
	}
	return n, nil
}

// readValue reads one JSON value from dec as a YAML node.
func readValue(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, scalar("!!str", fmt.Sprint(key)), val)
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				val, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, val)
			}
			_, err := dec.Token() // ']'
			return n, err
		default:
			return nil, fmt.Errorf("unexpected %v", v)
		}
	case string:
		return scalar("!!str", v), nil
	case json.Number:
		if _, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return scalar("!!int", v.String()), nil
		}
		return scalar("!!float", v.String()), nil
	case bool:
		return scalar("!!bool", strconv.FormatBool(v)), nil
	case nil:
		return scalar("!!null", "null"), nil
	default:
		return nil, fmt.Errorf("unexpected JSON token %T", tok)
	}
}

// scalar returns a scalar node.
func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// nameNodes returns the YAML value of a reference field: a name, null, or
// a list of names.
func nameNodes(f typedconfig.RefField, names []string) *yaml.Node {
	if f.Many {
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, name := range names {
			n.Content = append(n.Content, scalar("!!str", name))
		}
		return n
	}
	if len(names) == 0 {
		return scalar("!!null", "null")
	}
	return scalar("!!str", names[0])
}

// mappingValue returns the value node of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// deleteKey removes key and its value from mapping n.
func deleteKey(n *yaml.Node, key string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
			return
		}
	}
}

// configNames reads the names a document's config gives a reference field:
// absent or null is none; a single field takes a string, a list field a
// list of strings.
func configNames(cfg *yaml.Node, f typedconfig.RefField, path string) ([]string, error) {
	if cfg == nil || cfg.Kind == 0 {
		return nil, nil
	}
	v := mappingValue(cfg, f.Field)
	if v == nil || v.Tag == "!!null" {
		return nil, nil
	}
	want := "the name of a " + string(f.Target)
	if f.Target == typedconfig.TargetFlow {
		want = "a flow slug"
	}
	if f.Many {
		if v.Kind != yaml.SequenceNode {
			return nil, errorf(path, v.Line, "must be a list of names (%s each)", want)
		}
		names := make([]string, len(v.Content))
		for i, item := range v.Content {
			if item.Kind != yaml.ScalarNode || item.Tag != "!!str" {
				return nil, errorf(fmt.Sprintf("%s[%d]", path, i), item.Line, "must be %s", want)
			}
			names[i] = item.Value
		}
		return names, nil
	}
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		return nil, errorf(path, v.Line, "must be %s", want)
	}
	return []string{v.Value}, nil
}

// nodeToJSON converts a document's config node into JSON, with the
// reference fields replaced by ids (a field absent from ids is left as
// is). An absent config is {}.
func nodeToJSON(cfg *yaml.Node, path string, ids map[string][]int, fields []typedconfig.RefField) (json.RawMessage, error) {
	if cfg == nil || cfg.Kind == 0 {
		return json.RawMessage("{}"), nil
	}
	if cfg.Kind != yaml.MappingNode {
		return nil, errorf(path, cfg.Line, "must be a mapping")
	}
	var m map[string]any
	if err := cfg.Decode(&m); err != nil {
		return nil, errorf(path, cfg.Line, "%s", yamlMessage(err))
	}
	for _, f := range fields {
		v, ok := ids[f.Field]
		if !ok {
			continue
		}
		switch {
		case f.Many:
			m[f.Field] = v
		case len(v) == 0:
			delete(m, f.Field)
		default:
			m[f.Field] = v[0]
		}
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, errorf(path, cfg.Line, "cannot be stored as JSON: %v", jsonProblem(err))
	}
	return raw, nil
}

// jsonProblem shortens an encoding/json error for a user.
func jsonProblem(err error) string {
	if _, ok := errors.AsType[*json.UnsupportedTypeError](err); ok {
		return "it holds a value JSON cannot represent (use string keys)"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "it is truncated"
	}
	return "it holds a value JSON cannot represent"
}
