package userwrite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-id/gatehouse/ent"
	"github.com/gatehouse-id/gatehouse/ent/schema/enum"
	"github.com/gatehouse-id/gatehouse/executor"
	"github.com/gatehouse-id/gatehouse/problem"
)

// HashedPasswordKey is the key of the JSON object the prompt stage stores
// a password as: {"argon2id": "<PHC string>"} (see package prompt; stages
// never import each other, so the convention is repeated here).
const HashedPasswordKey = "argon2id"

// prompt_data keys the stage writes to user fields.
const (
	keyUsername = "username"
	keyName     = "name"
	keyEmail    = "email"
	keyPassword = "password"
)

// maxAttributeDepth bounds how deep an attribute path may nest.
const maxAttributeDepth = 10

// Messages of the stage's denials.
const (
	messageNoData      = "There is no data to write."
	messageNoUser      = "There is no user to write to."
	messageNoUsername  = "A username is required to create an account."
	messageTaken       = "That username is taken."
	messageEmailTaken  = "That email address is taken."
	messageInvalidData = "The account could not be saved: the submitted data is not valid."
)

// codeTaken is the field error code of a taken email address, as the
// prompt stage's.
const codeTaken = "taken"

// Stage writes prompt_data to the pending user, or to a new user. It is
// immutable once built and safe for concurrent use.
type Stage struct {
	cfg  *Config
	deps executor.Deps
}

// New builds a user write stage.
func New(cfg *Config, deps executor.Deps) (executor.Stage, error) {
	return &Stage{cfg: cfg, deps: deps}, nil
}

// Kind implements executor.Stage.
func (*Stage) Kind() string { return Kind }

// Run implements executor.Runner. It denies without prompt_data, without
// a user to update under never_create, without a username to create a
// user with, for a taken username and for data the user schema refuses;
// otherwise it writes, makes a created user the pending user, records a
// user_write audit event and completes.
func (s *Stage) Run(ctx context.Context, req *executor.Request) (executor.Result, error) {
	data := req.Execution.Context.PromptData()
	if len(data) == 0 {
		return executor.Deny(messageNoData), nil
	}
	var target *ent.User
	if s.cfg.UserCreationMode != CreationModeAlwaysCreate {
		u, err := req.PendingUser(ctx, s.deps.Client)
		if err != nil {
			return executor.Result{}, err
		}
		target = u
	}
	if target == nil && s.cfg.UserCreationMode == CreationModeNeverCreate {
		return executor.Deny(messageNoUser), nil
	}
	c, err := s.changes(ctx, data)
	if err != nil {
		return executor.Result{}, err
	}
	created := target == nil
	if created && (c.username == nil || *c.username == "") {
		return executor.Deny(messageNoUsername), nil
	}
	u, err := s.write(ctx, target, c, req.Now)
	if ent.IsConstraintError(err) {
		// A concurrent write took a unique value between the hooks'
		// checks and the insert: name it as the hooks would have.
		err = s.explainConstraint(ctx, err, target, c)
	}
	var conflict *problem.ConflictError
	if errors.As(err, &conflict) && conflict.Field == keyUsername {
		return executor.Deny(messageTaken), nil
	}
	if errors.As(err, &conflict) && conflict.Field == keyEmail {
		return executor.Retry(executor.FieldError{Field: keyEmail, Message: messageEmailTaken, Code: codeTaken}), nil
	}
	if ent.IsValidationError(err) {
		if s.deps.Logger != nil {
			s.deps.Logger.InfoContext(ctx, "user write refused by the user schema", "flow", req.Flow.Slug, "error", err)
		}
		return executor.Deny(messageInvalidData), nil
	}
	if err != nil {
		return executor.Result{}, err
	}
	if created {
		if err := req.Execution.Context.Set(executor.KeyPendingUser, u.ID); err != nil {
			return executor.Result{}, err
		}
	}
	s.deps.Record(ctx, enum.EventActionUserWrite, map[string]any{
		"user_id": strconv.Itoa(u.ID), "username": u.Username, "created": created, "fields": c.fields,
	})
	if c.passwordHash != "" && !created {
		// A password set for an existing account (recovery, a change):
		// named apart, as the account's own act.
		s.deps.RecordAs(ctx, u, enum.EventActionPasswordSet, map[string]any{"flow": req.Flow.Slug})
	}
	return executor.Next(), nil
}

// changes are what prompt_data asks to write.
type changes struct {
	username, name, email *string
	// passwordHash is the new PHC hash; empty when the password stays.
	passwordHash string
	attributes   []attribute
	// fields names what is written, sorted, for the audit event.
	fields []string
}

// attribute is one attribute to set.
type attribute struct {
	path  []string
	value any
}

// changes maps prompt_data to the user's fields (see the package comment);
// other keys, and values of the wrong type, are ignored.
func (s *Stage) changes(ctx context.Context, data map[string]any) (*changes, error) {
	c := &changes{fields: []string{}}
	for _, key := range slices.Sorted(maps.Keys(data)) {
		v := data[key]
		switch key {
		case keyUsername, keyName, keyEmail:
			str, ok := v.(string)
			if !ok || (key == keyUsername && str == "") {
				continue
			}
			switch key {
			case keyUsername:
				c.username = &str
			case keyName:
				c.name = &str
			default:
				c.email = &str
			}
		case keyPassword:
			hash, err := s.passwordHash(ctx, v)
			if err != nil {
				return nil, err
			}
			if hash == "" {
				continue
			}
			c.passwordHash = hash
		default:
			path, ok := attributePath(key)
			if !ok {
				continue
			}
			c.attributes = append(c.attributes, attribute{path: path, value: v})
		}
		c.fields = append(c.fields, key)
	}
	return c, nil
}

// passwordHash returns the hash to store for a password value: the
// prompt stage's hashed form as is, a plaintext string hashed now; ""
// for anything else (including an empty string).
func (s *Stage) passwordHash(ctx context.Context, v any) (string, error) {
	switch p := v.(type) {
	case map[string]any:
		phc, _ := p[HashedPasswordKey].(string)
		if !strings.HasPrefix(phc, "$argon2id$") {
			return "", nil
		}
		return phc, nil
	case string:
		if p == "" {
			return "", nil
		}
		hash, err := s.deps.Hasher.Hash(ctx, p)
		if err != nil {
			return "", fmt.Errorf("hash password: %w", err)
		}
		return hash, nil
	default:
		return "", nil
	}
}

// attributePath returns the attribute path a prompt_data key names:
// "attributes.a.b" and "attributes_a.b" both name a.b.
func attributePath(key string) ([]string, bool) {
	rest, ok := strings.CutPrefix(key, "attributes.")
	if !ok {
		rest, ok = strings.CutPrefix(key, "attributes_")
	}
	if !ok {
		return nil, false
	}
	path := strings.Split(rest, ".")
	if len(path) > maxAttributeDepth || slices.Contains(path, "") {
		return nil, false
	}
	return path, true
}

// write creates (target nil) or updates the user in one transaction,
// with the new user's group membership.
func (s *Stage) write(ctx context.Context, target *ent.User, c *changes, now time.Time) (*ent.User, error) {
	tx, err := s.deps.Client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin user write: %w", err)
	}
	u, err := s.save(ctx, tx.Client(), target, c, now)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit user write: %w", err)
	}
	return u, nil
}

func (s *Stage) save(ctx context.Context, client *ent.Client, target *ent.User, c *changes, now time.Time) (*ent.User, error) {
	if target == nil {
		create := client.User.Create().
			SetUsername(*c.username).
			SetIsActive(!s.cfg.CreateUsersAsInactive).
			SetType(s.cfg.UserType).
			SetAttributes(applyAttributes(nil, c.attributes)).
			SetNillableName(c.name).
			SetNillableEmail(c.email)
		if c.passwordHash != "" {
			create.SetPasswordHash(c.passwordHash).SetPasswordChangedAt(now)
		}
		if s.cfg.CreateUsersGroupID != nil {
			create.AddGroupIDs(*s.cfg.CreateUsersGroupID)
		}
		u, err := create.Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("create user: %w", err)
		}
		return u, nil
	}
	update := client.User.UpdateOneID(target.ID).
		SetNillableUsername(c.username).
		SetNillableName(c.name).
		SetNillableEmail(c.email)
	if c.passwordHash != "" {
		update.SetPasswordHash(c.passwordHash).SetPasswordChangedAt(now)
	}
	if len(c.attributes) > 0 {
		update.SetAttributes(applyAttributes(target.Attributes, c.attributes))
	}
	u, err := update.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", target.ID, err)
	}
	return u, nil
}

// applyAttributes returns a copy of current with attrs set; maps along
// each path are copied, never changed in place, and a non-map value in
// the way is replaced by a map.
func applyAttributes(current map[string]any, attrs []attribute) map[string]any {
	out := maps.Clone(current)
	if out == nil {
		out = map[string]any{}
	}
	for _, a := range attrs {
		out = setPath(out, a.path, a.value)
	}
	return out
}

func setPath(m map[string]any, path []string, v any) map[string]any {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]any{}
	}
	if len(path) == 1 {
		out[path[0]] = v
		return out
	}
	child, _ := out[path[0]].(map[string]any)
	out[path[0]] = setPath(child, path[1:], v)
	return out
}
