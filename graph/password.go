package graph

import (
	"context"
	"errors"
	"unicode/utf8"

	"github.com/gatehouse-id/gatehouse/credential"
	"github.com/gatehouse-id/gatehouse/problem"
)

// MinPasswordLength is the shortest password an admin may set through the
// API. Flows apply their own password policies on top.
const MinPasswordLength = 8

// hashPassword checks the basic shape of a password set by an admin and
// hashes it.
func (r *Resolver) hashPassword(ctx context.Context, password string) (string, error) {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return "", problem.Invalid("password", "must be at least %d characters", MinPasswordLength)
	}
	hash, err := r.Hasher.Hash(ctx, password)
	if errors.Is(err, credential.ErrPasswordTooLong) {
		return "", problem.Invalid("password", "must be at most %d bytes", credential.MaxPasswordBytes)
	}
	return hash, err
}
