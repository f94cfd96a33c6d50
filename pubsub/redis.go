package pubsub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-id/gatehouse/internal/rediserr"
	"github.com/gatehouse-id/gatehouse/problem"
)

const (
	// confirmAttempts bounds how often Subscribe re-sends its SUBSCRIBE when
	// the connection is lost before Redis confirmed it.
	confirmAttempts = 5
	// unsubscribeTimeout bounds the UNSUBSCRIBE sent when the last local
	// subscriber of a channel leaves.
	unsubscribeTimeout = 5 * time.Second
	// maxReceiveBackoff caps the pause between consecutive failed reads,
	// e.g. while Redis is down and every reconnect fails.
	maxReceiveBackoff = 2 * time.Second
)

// Redis is a Broker shared by every process that uses the same Redis server
// and prefix: a message published on topic is PUBLISHed to the Redis channel
// prefix+topic and reaches the subscribers of all those processes.
//
// One Redis holds one go-redis PubSub connection, whatever the number of
// subscribers: it SUBSCRIBEs to a channel when the channel's first local
// subscriber arrives and UNSUBSCRIBEs when the last one leaves, and a single
// reader goroutine fans the connection's messages out to the local
// subscriber channels. Redis is safe for concurrent use. Close does not close
// the *redis.Client, which must stay open until Close returned.
type Redis struct {
	client     *redis.Client
	prefix     string
	bufferSize int
	logger     *slog.Logger
	dropped    atomic.Uint64

	// ps is the only PubSub connection; it is created unconnected and
	// connects on first use. go-redis reconnects it after a network error
	// and re-subscribes the channels it was told to subscribe to.
	ps *redis.PubSub

	// cmdMu serialises the SUBSCRIBE, UNSUBSCRIBE and fencing PING commands
	// written on ps, so that the order Redis sees them in matches the
	// decisions taken on mu's state: an UNSUBSCRIBE is only written while the
	// channel has no local subscriber, and a PING+SUBSCRIBE pair is never
	// split by another of our commands. Lock order: cmdMu, then mu.
	cmdMu sync.Mutex

	// mu guards the fields below and the subscriber channels' closing: a
	// subscriber channel is sent to and closed only under mu.
	mu         sync.Mutex
	closed     bool
	done       chan struct{} // closed by Close
	reading    bool          // the reader goroutine was started
	readerDone chan struct{} // closed when the reader goroutine returns
	channels   map[string]*redisChannel
	waiters    map[string]*redisWaiter // pending confirmations by PING token
	nextToken  uint64
	broken     chan struct{} // closed, and replaced, when the reader loses the connection
	lostErr    error         // why the connection was last lost
}

// redisChannel is the local state of one Redis channel.
type redisChannel struct {
	subs map[*redisSub]struct{}
	// ready says a SUBSCRIBE of the channel was confirmed on the current
	// connection, so a further local subscriber needs no round trip.
	ready bool
}

// redisSub is one local subscription.
type redisSub struct {
	ch   chan []byte
	stop func() bool // stops the context.AfterFunc that removes the subscription; nil until set
}

// redisWaiter is a Subscribe call waiting for Redis to confirm its
// SUBSCRIBE. The waiter wrote "PING token" and then "SUBSCRIBE channel";
// Redis answers commands in order, so the first subscribe confirmation of
// channel that follows the pong is the answer to the waiter's own SUBSCRIBE,
// not a stale one from before (which could be followed by an UNSUBSCRIBE
// still in flight).
type redisWaiter struct {
	channel string
	ponged  bool
	done    chan struct{} // closed by the reader on confirmation
}

var _ Broker = (*Redis)(nil)

// NewRedis returns a broker that carries messages over client's Redis
// server, on the channels prefix+topic, configured by opts (nil means
// defaults). It does not connect: the PubSub connection is opened by the
// first Subscribe, and Publish uses client's pool.
func NewRedis(client *redis.Client, prefix string, opts *Options) *Redis {
	o := opts.resolved()
	return &Redis{
		client:     client,
		prefix:     prefix,
		bufferSize: o.BufferSize,
		logger:     o.Logger,
		// With no channels, Subscribe only creates the PubSub: no I/O.
		ps:         client.Subscribe(context.Background()),
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
		channels:   make(map[string]*redisChannel),
		waiters:    make(map[string]*redisWaiter),
		broken:     make(chan struct{}),
	}
}

// Publish PUBLISHes msg on the Redis channel prefix+topic and returns once
// Redis accepted it; processes subscribed at that moment receive it
// asynchronously. It returns an error wrapping ErrInvalidTopic for an invalid
// topic, ErrClosed after Close, and Redis' error (e.g. when Redis is down),
// marked problem.ErrUnavailable.
func (r *Redis) Publish(ctx context.Context, topic string, msg []byte) error {
	if err := ValidateTopic(topic); err != nil {
		return err
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := r.client.Publish(ctx, r.prefix+topic, msg).Err(); err != nil {
		return fmt.Errorf("pubsub: publish %s: %w", topic, rediserr.Unavailable(ctx, err))
	}
	return nil
}

// Subscribe registers a subscriber of topic and returns once Redis has
// confirmed the subscription of prefix+topic on the broker's connection, so
// that every message published afterwards, by any process, is delivered to
// the returned channel (unless the connection is lost meanwhile: messages
// published while go-redis reconnects are lost). The channel is closed when
// ctx is done or the broker is closed. Subscribe returns an error wrapping
// ErrInvalidTopic for an invalid topic, ErrClosed after Close, ctx's error
// if ctx ends first, and Redis' error if the subscription could not be sent
// or the connection was lost too often before it was confirmed, marked
// problem.ErrUnavailable.
func (r *Redis) Subscribe(ctx context.Context, topic string) (<-chan []byte, error) {
	if err := ValidateTopic(topic); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pubsub: subscribe %s: %w", topic, err)
	}
	name := r.prefix + topic
	s := &redisSub{ch: make(chan []byte, r.bufferSize)}

	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	if !r.reading {
		r.reading = true
		go r.read() //nolint:gosec // the reader lives as long as the broker, not the first subscriber's request
	}
	c := r.channels[name]
	if c == nil {
		c = &redisChannel{subs: make(map[*redisSub]struct{})}
		r.channels[name] = c
	}
	// From here on the reader delivers the channel's messages to s.
	c.subs[s] = struct{}{}
	ready := c.ready
	r.mu.Unlock()

	if !ready {
		if err := r.confirm(ctx, name); err != nil {
			r.remove(name, s)
			if errors.Is(err, ErrClosed) {
				return nil, ErrClosed
			}
			return nil, fmt.Errorf("pubsub: subscribe %s: %w", topic, err)
		}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed { // Close closed s.ch while we waited
		return nil, ErrClosed
	}
	s.stop = context.AfterFunc(ctx, func() { r.remove(name, s) })
	return s.ch, nil
}

// confirm makes sure the Redis channel name is subscribed on the current
// connection: it writes PING token + SUBSCRIBE name and waits until the
// reader saw the pong and then the subscribe confirmation. When the reader
// loses the connection meanwhile, or the write itself fails on a broken
// connection, confirm starts over, at most confirmAttempts times.
func (r *Redis) confirm(ctx context.Context, name string) error {
	var lost error
	for range confirmAttempts {
		token, w, broken, err := r.addWaiter(name)
		if err != nil {
			return err
		}
		if err := r.writeSubscribe(ctx, name, token); err != nil {
			r.dropWaiter(token)
			if r.isClosed() {
				return ErrClosed
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// The connection broke under the write; go-redis reconnects
			// (and re-subscribes) on the next command, so try again.
			lost = err
			continue
		}
		select {
		case <-w.done:
			return nil
		case <-broken:
			r.mu.Lock()
			lost = r.lostErr
			r.mu.Unlock()
			// The reader already forgot every waiter.
		case <-ctx.Done():
			r.dropWaiter(token)
			return ctx.Err()
		case <-r.done:
			return ErrClosed
		}
	}
	return problem.Unavailable(fmt.Errorf("connection lost %d times before the subscription was confirmed: %w", confirmAttempts, lost))
}

// addWaiter registers a waiter for a confirmation of name and returns its
// PING token and the channel that is closed if the connection is lost.
func (r *Redis) addWaiter(name string) (string, *redisWaiter, <-chan struct{}, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", nil, nil, ErrClosed
	}
	r.nextToken++
	token := "gatehouse-pubsub-" + strconv.FormatUint(r.nextToken, 10)
	w := &redisWaiter{channel: name, done: make(chan struct{})}
	r.waiters[token] = w
	return token, w, r.broken, nil
}

// dropWaiter forgets the waiter of token, if the reader has not already.
func (r *Redis) dropWaiter(token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.waiters, token)
}

// writeSubscribe writes "PING token" and "SUBSCRIBE name" on the PubSub
// connection, back to back.
func (r *Redis) writeSubscribe(ctx context.Context, name, token string) error {
	r.cmdMu.Lock()
	defer r.cmdMu.Unlock()
	if err := r.ps.Ping(ctx, token); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	// On error go-redis still records name as subscribed; the caller's
	// remove then unsubscribes it if no one else uses it.
	if err := r.ps.Subscribe(ctx, name); err != nil {
		return err
	}
	return nil
}

// remove ends the subscription s of the Redis channel name unless Close
// already did, and unsubscribes name when s was its last local subscriber.
func (r *Redis) remove(name string, s *redisSub) {
	r.mu.Lock()
	c := r.channels[name]
	if c == nil {
		r.mu.Unlock()
		return
	}
	if _, ok := c.subs[s]; !ok {
		r.mu.Unlock()
		return
	}
	delete(c.subs, s)
	close(s.ch)
	last := len(c.subs) == 0
	if last {
		delete(r.channels, name)
	}
	r.mu.Unlock()
	if last {
		r.unsubscribeIfUnused(name)
	}
}

// unsubscribeIfUnused UNSUBSCRIBEs name unless a local subscriber arrived
// meanwhile. Holding cmdMu while deciding guarantees that a concurrent
// Subscribe's SUBSCRIBE is written after this UNSUBSCRIBE, never before.
func (r *Redis) unsubscribeIfUnused(name string) {
	r.cmdMu.Lock()
	defer r.cmdMu.Unlock()
	r.mu.Lock()
	_, used := r.channels[name]
	closed := r.closed
	r.mu.Unlock()
	if used || closed {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), unsubscribeTimeout)
	defer cancel()
	if err := r.ps.Unsubscribe(ctx, name); err != nil && !r.isClosed() {
		// go-redis forgot the channel anyway, so a reconnect will not
		// re-subscribe it; until then its messages are discarded.
		r.logger.Warn("pubsub: redis unsubscribe", "channel", name, "err", err)
	}
}

// read is the reader goroutine: it receives everything the PubSub
// connection delivers, fans messages out to the local subscribers, signals
// waiting Subscribe calls and notices lost connections, until Close.
func (r *Redis) read() {
	defer close(r.readerDone)
	ctx := context.Background()
	var (
		backoff time.Duration
		lost    bool // the last read failed
	)
	for {
		msg, err := r.ps.Receive(ctx)
		if err != nil {
			if r.isClosed() {
				return
			}
			lost = true
			r.connectionLost(err)
			if backoff > 0 {
				t := time.NewTimer(backoff)
				select {
				case <-t.C:
				case <-r.done:
					t.Stop()
					return
				}
			}
			backoff = min(max(2*backoff, 50*time.Millisecond), maxReceiveBackoff)
			continue
		}
		backoff = 0
		if lost {
			lost = false
			r.logger.Info("pubsub: redis pubsub connection restored")
		}
		switch m := msg.(type) {
		case *redis.Message:
			r.fanOut(m.Channel, []byte(m.Payload))
		case *redis.Pong:
			r.ponged(m.Payload)
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				r.subscribed(m.Channel)
			}
		}
	}
}

// fanOut hands data to every local subscriber of the Redis channel name,
// dropping it for those whose buffer is full.
func (r *Redis) fanOut(name string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.channels[name]
	if c == nil {
		return
	}
	for s := range c.subs {
		select {
		case s.ch <- data:
		default:
			r.dropped.Add(1)
			r.logger.Debug("pubsub: subscriber buffer full, message dropped", "channel", name)
		}
	}
}

// ponged records that the PING of token was answered: the waiter's
// SUBSCRIBE is the next command Redis answers for its channel.
func (r *Redis) ponged(token string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w := r.waiters[token]; w != nil {
		w.ponged = true
	}
}

// subscribed handles Redis' confirmation that name is subscribed: it wakes
// the waiters whose own SUBSCRIBE this answers.
func (r *Redis) subscribed(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for token, w := range r.waiters {
		if w.channel != name || !w.ponged {
			continue
		}
		delete(r.waiters, token)
		close(w.done)
		if c := r.channels[name]; c != nil {
			c.ready = true
		}
	}
}

// connectionLost handles a failed read. go-redis has already reconnected
// and re-subscribed, or will on the next read, but the answers to commands
// in flight may be lost: pending Subscribe calls are told to start over, and
// no channel counts as confirmed until a new SUBSCRIBE of it is.
func (r *Redis) connectionLost(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lostErr = err
	close(r.broken)
	r.broken = make(chan struct{})
	clear(r.waiters)
	for _, c := range r.channels {
		c.ready = false
	}
	r.logger.Warn("pubsub: redis pubsub connection lost; reconnecting", "err", err, "channels", len(r.channels))
}

// isClosed reports whether Close was called.
func (r *Redis) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}

// Close closes every subscriber channel, closes the PubSub connection and
// waits for the reader goroutine to return. Publish and Subscribe return
// ErrClosed afterwards. Close is idempotent: later calls return nil. It
// does not close the *redis.Client.
func (r *Redis) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.done)
	for _, c := range r.channels {
		for s := range c.subs {
			if s.stop != nil {
				s.stop()
			}
			close(s.ch)
		}
	}
	r.channels = nil
	clear(r.waiters)
	reading := r.reading
	r.mu.Unlock()

	err := r.ps.Close()
	if reading {
		<-r.readerDone
	}
	if err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("pubsub: close: %w", err)
	}
	return nil
}

// Dropped returns how many messages were dropped because a subscriber's
// buffer was full, counted once per subscriber that missed a message. It is
// safe for concurrent use.
func (r *Redis) Dropped() uint64 {
	return r.dropped.Load()
}
