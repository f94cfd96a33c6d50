package blueprints

import (
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-id/gatehouse/text"
)

// checkText refuses a document any of whose keys or scalar values is not
// acceptable text (text.Check): a YAML escape such as "\0" decodes to a NUL
// character, which the GraphQL String scalar never sees in the document's
// source. The *Error names the place, never the text.
func checkText(src []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return yamlError(err)
	}
	return checkNode(&root, "")
}

func checkNode(n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkNode(c, path); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := checkNode(c, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if err := text.Check(key.Value); err != nil {
				where := "a key"
				if path != "" {
					where = "a key in " + path
				}
				return errorf("", key.Line, "%s %v", where, err)
			}
			if err := checkNode(value, keyPath(path, key.Value)); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if err := text.Check(n.Value); err != nil {
			return errorf(path, n.Line, "%v", err)
		}
	case yaml.AliasNode: // checked where its anchor is
	}
	return nil
}

func keyPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
