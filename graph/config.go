package graph

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/graph/model"
	"github.com/gatehouse-id/gatehouse/policy"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/typedconfig"
)

// oneOf returns the single non-nil pointer field of a @oneOf input struct.
// The GraphQL validator enforces "exactly one" for literals only; inputs
// passed as variables arrive unchecked, so this is the rule's enforcement.
func oneOf(field string, input any) (any, error) {
	v := reflect.ValueOf(input)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, problem.Invalid(field, "is required")
		}
		v = v.Elem()
	}
	var set []any
	for _, f := range v.Fields() {
		if f.Kind() == reflect.Pointer && !f.IsNil() {
			set = append(set, f.Interface())
		}
	}
	if len(set) != 1 {
		return nil, problem.Invalid(field, "must set exactly one member (the kind), got %d", len(set))
	}
	return set[0], nil
}

// stageConfig returns the config chosen in a StageConfigInput.
func stageConfig(in *model.StageConfigInput) (executor.StageConfig, error) {
	v, err := oneOf("config", in)
	if err != nil {
		return nil, err
	}
	return v.(executor.StageConfig), nil //nolint:forcetypeassert // every member is a StageConfig (gqlgen.yml)
}

// policyConfig returns the config chosen in a PolicyConfigInput.
func policyConfig(in *model.PolicyConfigInput) (policy.Config, error) {
	v, err := oneOf("config", in)
	if err != nil {
		return nil, err
	}
	return v.(policy.Config), nil //nolint:forcetypeassert // every member is a policy.Config (gqlgen.yml)
}

// encodeConfig encodes cfg for storage after checking it belongs to kind
// (for updates: a config of another kind is refused, not reinterpreted).
func encodeConfig(cfg typedconfig.Config, got, want string) ([]byte, error) {
	if want != "" && got != want {
		return nil, problem.Invalid("config", "this object is of kind %s; a %s config cannot be applied (the kind cannot change)", want, got)
	}
	return typedconfig.Encode(cfg)
}

// badIDError is a malformed ID argument; the presenter answers BAD_USER_INPUT.
type badIDError struct{ id string }

func (e badIDError) Error() string { return fmt.Sprintf("%q is not a valid ID", e.id) }

// parseID reads an ID argument (arguments of type ID arrive as strings).
func parseID(id string) (int, error) {
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return 0, badIDError{id: id}
	}
	return n, nil
}

// parseIDs reads a list of ID arguments.
func parseIDs(ids []string) ([]int, error) {
	out := make([]int, len(ids))
	for i, id := range ids {
		n, err := parseID(id)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
