package pubsub

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
)

// Local is an in-process Broker: messages reach only subscribers of the same
// Local. Publish delivers synchronously into the subscriber buffers, so a
// message published after Subscribe returned is in the subscriber's buffer
// (or counted as dropped) when Publish returns. Local is safe for concurrent
// use.
type Local struct {
	bufferSize int
	logger     *slog.Logger
	dropped    atomic.Uint64

	// mu guards closed, topics and the subscriber channels' closing: a
	// channel is only sent to under the read lock and only closed under the
	// write lock.
	mu     sync.RWMutex
	closed bool
	topics map[string]map[*localSub]struct{}
}

// localSub is one subscription of a Local.
type localSub struct {
	ch   chan []byte
	stop func() bool // stops the context.AfterFunc that removes the subscription
}

var _ Broker = (*Local)(nil)

// NewLocal returns an in-process broker configured by opts (nil means
// defaults).
func NewLocal(opts *Options) *Local {
	o := opts.resolved()
	return &Local{
		bufferSize: o.BufferSize,
		logger:     o.Logger,
		topics:     make(map[string]map[*localSub]struct{}),
	}
}

// Publish copies msg into the buffer of every current subscriber of topic,
// dropping it for subscribers whose buffer is full; it never blocks on a
// subscriber. It returns an error wrapping ErrInvalidTopic for an invalid
// topic and ErrClosed after Close.
func (l *Local) Publish(_ context.Context, topic string, msg []byte) error {
	if err := ValidateTopic(topic); err != nil {
		return err
	}
	data := make([]byte, len(msg)) // non-nil even when empty; the caller may reuse msg
	copy(data, msg)
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	for s := range l.topics[topic] {
		select {
		case s.ch <- data:
		default:
			l.dropped.Add(1)
			l.logger.Debug("pubsub: subscriber buffer full, message dropped", "topic", topic)
		}
	}
	return nil
}

// Subscribe registers a subscriber of topic and returns its channel, which is
// closed when ctx is done or the broker is closed. It returns an error
// wrapping ErrInvalidTopic for an invalid topic, ErrClosed after Close and
// ctx's error if ctx is already done.
func (l *Local) Subscribe(ctx context.Context, topic string) (<-chan []byte, error) {
	if err := ValidateTopic(topic); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pubsub: subscribe %s: %w", topic, err)
	}
	s := &localSub{ch: make(chan []byte, l.bufferSize)}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	subs := l.topics[topic]
	if subs == nil {
		subs = make(map[*localSub]struct{})
		l.topics[topic] = subs
	}
	subs[s] = struct{}{}
	// AfterFunc runs in its own goroutine, so it never runs under l.mu.
	s.stop = context.AfterFunc(ctx, func() { l.remove(topic, s) })
	return s.ch, nil
}

// remove ends the subscription s of topic unless Close already did.
func (l *Local) remove(topic string, s *localSub) {
	l.mu.Lock()
	defer l.mu.Unlock()
	subs, ok := l.topics[topic]
	if !ok {
		return
	}
	if _, ok := subs[s]; !ok {
		return
	}
	delete(subs, s)
	if len(subs) == 0 {
		delete(l.topics, topic)
	}
	close(s.ch)
}

// Close closes every subscriber channel. Publish and Subscribe return
// ErrClosed afterwards. Close is idempotent and always returns nil.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	for _, subs := range l.topics {
		for s := range subs {
			s.stop()
			close(s.ch)
		}
	}
	l.topics = nil
	return nil
}

// Dropped returns how many messages were dropped because a subscriber's
// buffer was full, counted once per subscriber that missed a message. It is
// safe for concurrent use.
func (l *Local) Dropped() uint64 {
	return l.dropped.Load()
}
