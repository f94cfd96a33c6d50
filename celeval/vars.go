package celeval

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
)

// UserVar returns the `user` variable for u: id, username, name, email,
// is_active, is_superuser, type, groups, attributes. groupIDs are the
// user's groups, parents included (the IDs, as strings, are its groups);
// superuser says whether one of them is a superuser group. A nil u is an
// empty map (anonymous).
func UserVar(u *ent.User, groupIDs []int, superuser bool) (map[string]any, error) {
	if u == nil {
		return map[string]any{}, nil
	}
	groups := make([]string, len(groupIDs))
	for i, id := range groupIDs {
		groups[i] = strconv.Itoa(id)
	}
	attrs, err := JSONValues(u.Attributes)
	if err != nil {
		return nil, fmt.Errorf("user attributes: %w", err)
	}
	return map[string]any{
		"id":           strconv.Itoa(u.ID),
		"username":     u.Username,
		"name":         u.Name,
		"email":        u.Email,
		"is_active":    u.IsActive,
		"is_superuser": superuser,
		"type":         string(u.Type),
		"groups":       groups,
		"attributes":   attrs,
	}, nil
}

// JSONValues returns m (never nil) with every value CEL can represent:
// JSON-like values pass as they are, anything else (a struct the executor
// put into the context) is replaced by its JSON form.
func JSONValues(m map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for k, v := range m {
		jv, err := jsonValue(v)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		out[k] = jv
	}
	return out, nil
}

func jsonValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, bool, string, int, int32, int64, uint, uint32, uint64, float32, float64,
		time.Time, time.Duration, []string, map[string]string:
		return v, nil
	case map[string]any:
		return JSONValues(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			jv, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = jv
		}
		return out, nil
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("value of type %T is not JSON: %w", v, err)
		}
		var out any
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, err
		}
		return out, nil
	}
}
