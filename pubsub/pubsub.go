package pubsub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"unicode"
	"unicode/utf8"
)

// Broker delivers messages published on a topic to every current subscriber of
// that topic — in this process and, for a shared backend, in every process
// using the same backend and prefix.
//
// All methods are safe for concurrent use. A received message is a slice
// shared with the other local subscribers of the same message: treat it as
// read-only.
type Broker interface {
	// Publish sends msg to the topic's current subscribers and returns once
	// the backend has accepted it. Delivery is asynchronous and at most once.
	// Publish does not retain msg: the caller may reuse it afterwards. It
	// returns an error wrapping ErrInvalidTopic for an invalid topic,
	// ErrClosed after Close, and the backend's error if it refused msg
	// (marked problem.ErrUnavailable when the backend did not answer).
	Publish(ctx context.Context, topic string, msg []byte) error
	// Subscribe returns once every message published on topic afterwards (by
	// any process) will be delivered to the returned channel. The channel is
	// closed when ctx is done or the broker is closed. A subscriber whose
	// buffer is full misses messages (they are dropped and counted, never
	// block other subscribers or publishers). It returns an error wrapping
	// ErrInvalidTopic for an invalid topic, ErrClosed after Close, ctx's
	// error if ctx ends first, and the backend's error if it refused the
	// subscription (marked problem.ErrUnavailable when the backend did not
	// answer).
	Subscribe(ctx context.Context, topic string) (<-chan []byte, error)
	// Close ends every subscription and releases the backend's resources.
	// Publish and Subscribe after Close return ErrClosed. Close is
	// idempotent: later calls return nil.
	Close() error
}

// ErrClosed is returned, possibly wrapped, by Publish and Subscribe after the
// broker was closed.
var ErrClosed = errors.New("pubsub: broker closed")

// ErrInvalidTopic is wrapped by the error Publish and Subscribe return for a
// topic that is empty, longer than MaxTopicLen bytes, not valid UTF-8, or
// contains whitespace or control characters.
var ErrInvalidTopic = errors.New("pubsub: invalid topic")

// MaxTopicLen is the maximum length of a topic in bytes.
const MaxTopicLen = 200

// DefaultBufferSize is the per-subscriber buffer used when
// Options.BufferSize is zero or negative.
const DefaultBufferSize = 64

// Options configure a broker. A nil *Options means all defaults.
type Options struct {
	// BufferSize is the number of messages each subscriber channel buffers
	// before further messages to it are dropped; <= 0 means
	// DefaultBufferSize.
	BufferSize int
	// Logger receives the broker's diagnostics (dropped messages at debug
	// level, backend errors and reconnects at warn level); nil discards them.
	Logger *slog.Logger
}

// resolved returns the options with defaults filled in; o may be nil.
func (o *Options) resolved() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.BufferSize <= 0 {
		r.BufferSize = DefaultBufferSize
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	return r
}

// ValidateTopic reports whether topic is a valid topic name: nil, or an error
// wrapping ErrInvalidTopic that says why not.
func ValidateTopic(topic string) error {
	switch {
	case topic == "":
		return fmt.Errorf("%w: empty", ErrInvalidTopic)
	case len(topic) > MaxTopicLen:
		return fmt.Errorf("%w: %d bytes, longer than %d", ErrInvalidTopic, len(topic), MaxTopicLen)
	case !utf8.ValidString(topic):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidTopic, topic)
	}
	for _, r := range topic {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%w: %q contains whitespace or a control character", ErrInvalidTopic, topic)
		}
	}
	return nil
}
