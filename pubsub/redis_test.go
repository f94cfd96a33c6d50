package pubsub_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/internal/servicetest"
	"github.com/gatehouse-id/gatehouse/problem"
	"github.com/gatehouse-id/gatehouse/pubsub"
	"github.com/gatehouse-id/gatehouse/pubsub/pubsubtest"
)

func TestRedis(t *testing.T) {
	t.Parallel()
	pubsubtest.Run(t, func(t *testing.T) pubsub.Broker {
		client, prefix := servicetest.Redis(t)
		return pubsub.NewRedis(client, prefix, nil)
	})
}

func TestRedisShared(t *testing.T) {
	t.Parallel()
	pubsubtest.RunShared(t, func(t *testing.T) (a, b pubsub.Broker) {
		// Two clients, as two processes would have, sharing one prefix.
		clientA, prefix := servicetest.Redis(t)
		clientB, _ := servicetest.Redis(t)
		return pubsub.NewRedis(clientA, prefix, nil), pubsub.NewRedis(clientB, prefix, nil)
	})
}

// namedRedis returns a client of the test Redis whose connections carry a
// unique CLIENT name, so the test can find and kill its own PubSub
// connection without disturbing other tests, and a key prefix.
func namedRedis(t *testing.T) (client *redis.Client, name, prefix string) {
	t.Helper()
	_, prefix = servicetest.Redis(t) // skips, or fails on CI, when Redis is down
	opts, err := redis.ParseURL(servicetest.RedisURL())
	require.NoError(t, err)
	opts.ClientName = servicetest.UniqueName("gatehouse_pubsub_test_")
	client = redis.NewClient(opts)
	t.Cleanup(func() { require.NoError(t, client.Close()) })
	return client, opts.ClientName, prefix
}

// killPubSub kills the PubSub connections of the clients called name and
// returns how many it killed. It is safe to call from any goroutine.
func killPubSub(ctx context.Context, admin *redis.Client, name string) (int, error) {
	list, err := admin.Do(ctx, "CLIENT", "LIST", "TYPE", "pubsub").Text()
	if err != nil {
		return 0, err
	}
	killed := 0
	for line := range strings.Lines(list) {
		fields := make(map[string]string)
		for kv := range strings.FieldsSeq(line) {
			k, v, _ := strings.Cut(kv, "=")
			fields[k] = v
		}
		if fields["name"] != name {
			continue
		}
		if err := admin.Do(ctx, "CLIENT", "KILL", "ID", fields["id"]).Err(); err != nil {
			return killed, err
		}
		killed++
	}
	return killed, nil
}

// publishUntilReceived publishes on topic until ch receives one of the
// messages, as it does again once the broker's connection is back.
func publishUntilReceived(ctx context.Context, t *testing.T, b pubsub.Broker, topic string, ch <-chan []byte) {
	t.Helper()
	retry := time.NewTicker(20 * time.Millisecond)
	defer retry.Stop()
	for i := 0; ; i++ {
		require.NoError(t, b.Publish(ctx, topic, fmt.Appendf(nil, "attempt %d", i)))
		select {
		case msg, ok := <-ch:
			require.True(t, ok, "subscriber channel closed by the reconnect")
			require.True(t, strings.HasPrefix(string(msg), "attempt "), "unexpected message %q", msg)
			return
		case <-retry.C:
		case <-ctx.Done():
			require.FailNow(t, "no message after the reconnect", "%v", ctx.Err())
		}
	}
}

func TestRedisReconnect(t *testing.T) {
	t.Parallel()
	client, name, prefix := namedRedis(t)
	admin, _ := servicetest.Redis(t)
	b := pubsub.NewRedis(client, prefix, nil)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()

	ch, err := b.Subscribe(ctx, "flow.changed")
	require.NoError(t, err)
	require.NoError(t, b.Publish(ctx, "flow.changed", []byte("before")))
	select {
	case msg := <-ch:
		require.Equal(t, "before", string(msg))
	case <-ctx.Done():
		require.FailNow(t, "no message before the kill")
	}

	for round := range 3 {
		killed, err := killPubSub(ctx, admin, name)
		require.NoError(t, err)
		require.Equal(t, 1, killed, "round %d: one PubSub connection per broker", round)
		publishUntilReceived(ctx, t, b, "flow.changed", ch)
	}

	// Subscriptions made after the reconnect work too, and so does
	// leaving and coming back.
	subCtx, cancelSub := context.WithCancel(ctx)
	other, err := b.Subscribe(subCtx, "flow.other")
	require.NoError(t, err)
	require.NoError(t, b.Publish(ctx, "flow.other", []byte("other")))
	select {
	case msg := <-other:
		require.Equal(t, "other", string(msg))
	case <-ctx.Done():
		require.FailNow(t, "no message on a subscription made after the reconnect")
	}
	cancelSub()
	for range other { // until closed
	}
	publishUntilReceived(ctx, t, b, "flow.changed", ch)
}

// TestRedisReconnectWhileSubscribing kills the PubSub connection while
// Subscribe calls wait for their confirmation: they must send their
// SUBSCRIBE again rather than hang or return before it is in force.
func TestRedisReconnectWhileSubscribing(t *testing.T) {
	t.Parallel()
	client, name, prefix := namedRedis(t)
	admin, _ := servicetest.Redis(t)
	b := pubsub.NewRedis(client, prefix, nil)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	first, err := b.Subscribe(ctx, "storm.0") // opens the connection
	require.NoError(t, err)
	chans := []<-chan []byte{first}
	for i := 1; i <= 10; i++ {
		killErr := make(chan error, 1)
		go func() {
			_, err := killPubSub(ctx, admin, name)
			killErr <- err
		}()
		ch, err := b.Subscribe(ctx, fmt.Sprintf("storm.%d", i))
		require.NoError(t, <-killErr)
		require.NoError(t, err, "subscribe %d", i)
		chans = append(chans, ch)
		// Whatever the interleaving, once the connection is back every
		// subscription receives.
		for j, ch := range chans {
			publishUntilReceived(ctx, t, b, fmt.Sprintf("storm.%d", j), ch)
		}
	}
}

func TestRedisUnavailable(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: connections are refused.
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { require.NoError(t, client.Close()) })
	b := pubsub.NewRedis(client, "gatehouse_test:", nil)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()

	err = b.Publish(ctx, "audit", []byte("x"))
	require.Error(t, err)
	require.Contains(t, err.Error(), "pubsub: publish audit:")
	require.ErrorIs(t, err, problem.ErrUnavailable)
	_, err = b.Subscribe(ctx, "audit")
	require.Error(t, err)
	require.Contains(t, err.Error(), "pubsub: subscribe audit:")
	require.ErrorIs(t, err, problem.ErrUnavailable)
	require.NoError(t, b.Close())
	_, err = b.Subscribe(ctx, "audit")
	require.ErrorIs(t, err, pubsub.ErrClosed)
}

// TestRedisSubscribeWaitsForConfirmation holds back Redis' answers to a
// Subscribe, checks that Subscribe has not returned, then cuts the
// connection: Subscribe must send its SUBSCRIBE again on the new connection
// and return only once that one is confirmed.
func TestRedisSubscribeWaitsForConfirmation(t *testing.T) {
	t.Parallel()
	_, prefix := servicetest.Redis(t) // skips, or fails on CI, when Redis is down
	opts, err := redis.ParseURL(servicetest.RedisURL())
	require.NoError(t, err)
	p := startProxy(t, opts.Addr)
	opts.Addr = p.addr()
	client := redis.NewClient(opts)
	t.Cleanup(func() { require.NoError(t, client.Close()) })
	b := pubsub.NewRedis(client, prefix, nil)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()

	before, err := b.Subscribe(ctx, "held.before")
	require.NoError(t, err)

	p.setBlackhole(true)
	type result struct {
		ch  <-chan []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		ch, err := b.Subscribe(ctx, "held")
		done <- result{ch, err}
	}()
	select {
	case <-p.dropped:
	case <-ctx.Done():
		require.FailNow(t, "Redis did not answer the SUBSCRIBE")
	}
	select {
	case r := <-done:
		require.FailNow(t, "Subscribe returned without the confirmation", "err: %v", r.err)
	default:
	}

	p.setBlackhole(false)
	p.cut()
	var held <-chan []byte
	select {
	case r := <-done:
		require.NoError(t, r.err)
		held = r.ch
	case <-ctx.Done():
		require.FailNow(t, "Subscribe did not return after the reconnect")
	}
	// Confirmed means in force: the first publish arrives, with no retry,
	// on the new subscription and on the one re-subscribed by go-redis.
	for topic, ch := range map[string]<-chan []byte{"held": held, "held.before": before} {
		require.NoError(t, b.Publish(ctx, topic, []byte("after "+topic)))
		select {
		case msg, ok := <-ch:
			require.True(t, ok)
			require.Equal(t, "after "+topic, string(msg))
		case <-ctx.Done():
			require.FailNow(t, "no message on a confirmed subscription", "topic %s", topic)
		}
	}
}

// proxy forwards TCP connections to a Redis server and can hold back the
// server's answers and cut every connection.
type proxy struct {
	ln      net.Listener
	target  string
	dropped chan struct{} // receives when an answer was held back
	wg      sync.WaitGroup

	mu        sync.Mutex
	blackhole bool
	conns     map[net.Conn]struct{}
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln, target: target, dropped: make(chan struct{}, 1), conns: make(map[net.Conn]struct{})}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) setBlackhole(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blackhole = on
}

// cut closes every forwarded connection, both sides.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

func (p *proxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns[c] = struct{}{}
}

func (p *proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := (&net.Dialer{}).DialContext(context.Background(), "tcp", p.target)
		if err != nil {
			_ = client.Close()
			continue
		}
		p.track(client)
		p.track(server)
		p.wg.Go(func() {
			_, _ = io.Copy(server, client)
			_ = server.Close()
		})
		p.wg.Go(func() {
			p.forwardAnswers(client, server)
			_ = client.Close()
		})
	}
}

// forwardAnswers copies from server to client, dropping what arrives while
// the blackhole is on.
func (p *proxy) forwardAnswers(client, server net.Conn) {
	buf := make([]byte, 64<<10)
	for {
		n, err := server.Read(buf)
		if n > 0 {
			p.mu.Lock()
			hole := p.blackhole
			p.mu.Unlock()
			if hole {
				select {
				case p.dropped <- struct{}{}:
				default:
				}
			} else if _, err := client.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
