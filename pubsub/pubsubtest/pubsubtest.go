// Package pubsubtest is the conformance suite every pubsub.Broker backend
// must pass. It is a test helper: import it from _test.go files only.
package pubsubtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-id/gatehouse/pubsub"
)

// Timeout bounds every wait of the suite: a message that has not arrived
// within it fails the test.
const Timeout = 5 * time.Second

// dropper is the metrics interface every backend exposes.
type dropper interface {
	Dropped() uint64
}

// Run runs the conformance suite against the backend made by newBroker, as
// parallel subtests. newBroker must return a new, empty broker for each
// call (it may register cleanups on t, e.g. to release the backend); the
// suite closes the broker when the subtest ends.
func Run(t *testing.T, newBroker func(t *testing.T) pubsub.Broker) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, b pubsub.Broker)
	}{
		{"Delivery", testDelivery},
		{"FanOut", testFanOut},
		{"NoCrossTopicLeakage", testNoCrossTopicLeakage},
		{"PublisherOrder", testPublisherOrder},
		{"NoHistory", testNoHistory},
		{"CancelClosesChannel", testCancelClosesChannel},
		{"CloseEndsEverything", testCloseEndsEverything},
		{"InvalidTopics", testInvalidTopics},
		{"FullBufferDrops", testFullBufferDrops},
		{"LargeMessage", testLargeMessage},
		{"Concurrency", testConcurrency},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open(t, newBroker))
		})
	}
}

// RunShared runs the suite part for backends shared between processes, as
// parallel subtests: newPair must return two brokers that stand for two
// processes using the same backend (e.g. two clients, one prefix). The
// suite closes both when the subtest ends.
func RunShared(t *testing.T, newPair func(t *testing.T) (a, b pubsub.Broker)) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, a, b pubsub.Broker)
	}{
		{"ReachesBothProcesses", testReachesBothProcesses},
		{"CloseIsPerProcess", testCloseIsPerProcess},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := newPair(t)
			closeOnCleanup(t, a)
			closeOnCleanup(t, b)
			tc.run(t, a, b)
		})
	}
}

// open makes a broker and closes it when t ends.
func open(t *testing.T, newBroker func(t *testing.T) pubsub.Broker) pubsub.Broker {
	t.Helper()
	b := newBroker(t)
	closeOnCleanup(t, b)
	return b
}

func closeOnCleanup(t *testing.T, b pubsub.Broker) {
	t.Helper()
	t.Cleanup(func() { require.NoError(t, b.Close()) })
}

// deadline returns a context that ends after Timeout or with the test.
func deadline(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), Timeout)
	t.Cleanup(cancel)
	return ctx
}

func subscribe(ctx context.Context, t *testing.T, b pubsub.Broker, topic string) <-chan []byte {
	t.Helper()
	ch, err := b.Subscribe(ctx, topic)
	require.NoError(t, err, "subscribe %s", topic)
	return ch
}

func publish(ctx context.Context, t *testing.T, b pubsub.Broker, topic, msg string) {
	t.Helper()
	require.NoError(t, b.Publish(ctx, topic, []byte(msg)), "publish %s", topic)
}

// receive returns the next message of ch, failing the test if ch is closed
// or ctx ends first.
func receive(ctx context.Context, t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case msg, ok := <-ch:
		require.True(t, ok, "subscriber channel closed, want a message")
		return msg
	case <-ctx.Done():
		require.FailNow(t, "no message before the deadline", "%v", ctx.Err())
		return nil
	}
}

// receiveString is receive as a string.
func receiveString(ctx context.Context, t *testing.T, ch <-chan []byte) string {
	t.Helper()
	return string(receive(ctx, t, ch))
}

// waitClosed drains ch until it is closed, failing the test if ctx ends
// first.
func waitClosed(ctx context.Context, t *testing.T, ch <-chan []byte) {
	t.Helper()
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-ctx.Done():
			require.FailNow(t, "subscriber channel not closed before the deadline", "%v", ctx.Err())
		}
	}
}

func testDelivery(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	ch := subscribe(ctx, t, b, "audit.event")
	publish(ctx, t, b, "audit.event", "hello")
	require.Equal(t, "hello", receiveString(ctx, t, ch))

	publish(ctx, t, b, "audit.event", "")
	require.Empty(t, receive(ctx, t, ch))

	// Publish does not retain its argument.
	buf := []byte("first")
	require.NoError(t, b.Publish(ctx, "audit.event", buf))
	copy(buf, "XXXXX")
	require.Equal(t, "first", receiveString(ctx, t, ch))
}

func testFanOut(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	chans := make([]<-chan []byte, 5)
	for i := range chans {
		chans[i] = subscribe(ctx, t, b, "flow.changed")
	}
	publish(ctx, t, b, "flow.changed", "m1")
	publish(ctx, t, b, "flow.changed", "m2")
	for i, ch := range chans {
		require.Equal(t, "m1", receiveString(ctx, t, ch), "subscriber %d", i)
		require.Equal(t, "m2", receiveString(ctx, t, ch), "subscriber %d", i)
	}
}

func testNoCrossTopicLeakage(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	topics := []string{"topic.a", "topic.ab", "topic.a.b", "TOPIC.A", "topic.*"}
	chans := make(map[string]<-chan []byte)
	for _, topic := range topics {
		chans[topic] = subscribe(ctx, t, b, topic)
	}
	// One publisher, topics in turn; each subscriber's first message must
	// be its own topic's: nothing of another topic came before it.
	for _, topic := range topics {
		publish(ctx, t, b, topic, "for "+topic)
	}
	for _, topic := range topics {
		require.Equal(t, "for "+topic, receiveString(ctx, t, chans[topic]), "subscriber of %s", topic)
	}
	// And nothing after it: a second round arrives next.
	for _, topic := range topics {
		publish(ctx, t, b, topic, "again "+topic)
	}
	for _, topic := range topics {
		require.Equal(t, "again "+topic, receiveString(ctx, t, chans[topic]), "subscriber of %s", topic)
	}
}

func testPublisherOrder(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	ch := subscribe(ctx, t, b, "ordered")
	n := cap(ch) // never more than the buffer holds, so nothing is dropped
	for i := range n {
		publish(ctx, t, b, "ordered", strconv.Itoa(i))
	}
	for i := range n {
		require.Equal(t, strconv.Itoa(i), receiveString(ctx, t, ch))
	}
}

func testNoHistory(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	publish(ctx, t, b, "history", "before")
	ch := subscribe(ctx, t, b, "history")
	publish(ctx, t, b, "history", "after")
	require.Equal(t, "after", receiveString(ctx, t, ch))
}

func testCancelClosesChannel(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	subCtx, cancel := context.WithCancel(ctx)
	cancelled := subscribe(subCtx, t, b, "cancel")
	kept := subscribe(ctx, t, b, "cancel")

	cancel()
	waitClosed(ctx, t, cancelled)
	publish(ctx, t, b, "cancel", "after cancel")
	require.Equal(t, "after cancel", receiveString(ctx, t, kept), "the other subscriber still receives")
	_, ok := <-cancelled
	require.False(t, ok, "a cancelled subscriber's channel stays closed")

	// When the last subscriber of a topic leaves and a new one arrives,
	// the new one receives.
	keptCtx, cancelKept := context.WithCancel(ctx)
	last := subscribe(keptCtx, t, b, "cancel.last")
	cancelKept()
	waitClosed(ctx, t, last)
	again := subscribe(ctx, t, b, "cancel.last")
	publish(ctx, t, b, "cancel.last", "again")
	require.Equal(t, "again", receiveString(ctx, t, again))

	// A context that is already done is refused.
	done, cancelDone := context.WithCancel(ctx)
	cancelDone()
	_, err := b.Subscribe(done, "cancel")
	require.ErrorIs(t, err, context.Canceled)
}

func testCloseEndsEverything(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	chans := []<-chan []byte{
		subscribe(ctx, t, b, "close.one"),
		subscribe(ctx, t, b, "close.one"),
		subscribe(ctx, t, b, "close.two"),
	}
	require.NoError(t, b.Close())
	for _, ch := range chans {
		waitClosed(ctx, t, ch)
	}
	require.ErrorIs(t, b.Publish(ctx, "close.one", []byte("x")), pubsub.ErrClosed)
	_, err := b.Subscribe(ctx, "close.one")
	require.ErrorIs(t, err, pubsub.ErrClosed)
	require.ErrorIs(t, b.Publish(ctx, "", []byte("x")), pubsub.ErrInvalidTopic, "topic validation comes first")
	require.NoError(t, b.Close(), "Close is idempotent")
}

func testInvalidTopics(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	invalid := []string{
		"",
		" ",
		"audit event",
		"audit\tevent",
		"audit\nevent",
		"audit\x00event",
		"audit\x7fevent",
		"audit\u00a0event", // no-break space
		"audit\u2028event", // line separator
		"audit\xffevent",   // not UTF-8
		strings.Repeat("a", pubsub.MaxTopicLen+1),
	}
	for _, topic := range invalid {
		require.ErrorIs(t, b.Publish(ctx, topic, []byte("x")), pubsub.ErrInvalidTopic, "publish %q", topic)
		ch, err := b.Subscribe(ctx, topic)
		require.ErrorIs(t, err, pubsub.ErrInvalidTopic, "subscribe %q", topic)
		require.Nil(t, ch)
	}
	for _, topic := range []string{strings.Repeat("a", pubsub.MaxTopicLen), "x", "audit:tenant/42#événement"} {
		ch := subscribe(ctx, t, b, topic)
		publish(ctx, t, b, topic, "ok")
		require.Equal(t, "ok", receiveString(ctx, t, ch), "topic %q", topic)
	}
}

func testFullBufferDrops(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	d, ok := b.(dropper)
	require.True(t, ok, "%T has no Dropped() uint64", b)
	slow := subscribe(ctx, t, b, "full") // never read until the end
	fast := subscribe(ctx, t, b, "full")
	const extra = 10
	n := cap(slow) + extra
	before := d.Dropped()
	// Publish and the fast subscriber advance in lockstep: neither waits
	// for the slow subscriber, whose buffer fills after cap(slow) messages.
	for i := range n {
		publish(ctx, t, b, "full", strconv.Itoa(i))
		require.Equal(t, strconv.Itoa(i), receiveString(ctx, t, fast))
	}
	// Once the fast subscriber has the sentinel, every earlier message has
	// been offered to the slow one (the sentinel itself may or may not).
	publish(ctx, t, b, "full", "sentinel")
	require.Equal(t, "sentinel", receiveString(ctx, t, fast))
	dropped := d.Dropped() - before
	require.GreaterOrEqual(t, dropped, uint64(extra))
	require.LessOrEqual(t, dropped, uint64(extra+1))
	// The slow subscriber kept the oldest messages.
	for i := range cap(slow) {
		require.Equal(t, strconv.Itoa(i), receiveString(ctx, t, slow))
	}
	// Having room again, it receives again.
	publish(ctx, t, b, "full", "room")
	for {
		if msg := receiveString(ctx, t, slow); msg == "room" {
			break
		}
	}
}

func testLargeMessage(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	msg := make([]byte, 1<<20)
	rng := rand.NewChaCha8([32]byte{1})
	_, _ = rng.Read(msg)
	ch := subscribe(ctx, t, b, "large")
	require.NoError(t, b.Publish(ctx, "large", msg))
	got := receive(ctx, t, ch)
	require.Len(t, got, len(msg))
	require.True(t, bytes.Equal(msg, got), "1 MiB message changed in transit")
}

// readInOrder reads want messages "p<publisher>:<seq>" from ch and checks
// that each publisher's arrive in order, without gaps.
func readInOrder(ctx context.Context, ch <-chan []byte, want, publishers int) error {
	next := make([]int, publishers) // per publisher, the next sequence number
	for range want {
		select {
		case msg, ok := <-ch:
			if !ok {
				return errors.New("channel closed")
			}
			var p, seq int
			if _, err := fmt.Sscanf(string(msg), "p%d:%d", &p, &seq); err != nil || p < 0 || p >= publishers {
				return fmt.Errorf("unexpected message %q", msg)
			}
			if seq != next[p] {
				return fmt.Errorf("publisher %d: got #%d, want #%d", p, seq, next[p])
			}
			next[p]++
		case <-ctx.Done():
			return fmt.Errorf("%w after %v messages per publisher", ctx.Err(), next)
		}
	}
	return nil
}

func testConcurrency(t *testing.T, b pubsub.Broker) {
	ctx := deadline(t)
	const (
		topics        = 4
		subsPerTopic  = 4
		pubsPerTopic  = 4
		churnPerTopic = 2
		churnRounds   = 10
	)
	topic := func(i int) string { return fmt.Sprintf("concurrent.%d", i) }

	// Everyone subscribes at once, to the same and to different topics.
	chans := make([]<-chan []byte, topics*subsPerTopic)
	errs := make([]error, len(chans))
	var wg sync.WaitGroup
	for i := range chans {
		wg.Go(func() { chans[i], errs[i] = b.Subscribe(ctx, topic(i%topics)) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	// Each subscriber gets every message of its topic, so the total must
	// fit its buffer: nothing may be dropped however slowly it reads.
	perPub := max(1, cap(chans[0])/pubsPerTopic)
	want := perPub * pubsPerTopic

	var (
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}

	for i, ch := range chans {
		wg.Go(func() {
			if err := readInOrder(ctx, ch, want, pubsPerTopic); err != nil {
				fail("subscriber %d: %v", i, err)
			}
		})
	}
	// Subscribers that come and go on the same topics meanwhile must not
	// disturb the others.
	for i := range topics * churnPerTopic {
		wg.Go(func() {
			for range churnRounds {
				subCtx, cancel := context.WithCancel(ctx)
				ch, err := b.Subscribe(subCtx, topic(i%topics))
				cancel()
				if err != nil {
					fail("churn %d: %v", i, err)
					return
				}
				for range ch { // until closed
				}
			}
		})
	}
	for i := range topics * pubsPerTopic {
		wg.Go(func() {
			for seq := range perPub {
				msg := fmt.Sprintf("p%d:%d", i/topics, seq)
				if err := b.Publish(ctx, topic(i%topics), []byte(msg)); err != nil {
					fail("publisher %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	require.Empty(t, failures)
	if d, ok := b.(dropper); ok {
		require.Zero(t, d.Dropped())
	}
}

func testReachesBothProcesses(t *testing.T, a, b pubsub.Broker) {
	ctx := deadline(t)
	onA := subscribe(ctx, t, a, "shared")
	onB := subscribe(ctx, t, b, "shared")
	otherOnB := subscribe(ctx, t, b, "shared.other")

	publish(ctx, t, a, "shared", "from a")
	require.Equal(t, "from a", receiveString(ctx, t, onB))
	require.Equal(t, "from a", receiveString(ctx, t, onA))
	publish(ctx, t, b, "shared", "from b")
	require.Equal(t, "from b", receiveString(ctx, t, onA))
	require.Equal(t, "from b", receiveString(ctx, t, onB))

	// b's subscriber of another topic got nothing: its first message is
	// the one published on its topic after the others.
	publish(ctx, t, a, "shared.other", "marker")
	require.Equal(t, "marker", receiveString(ctx, t, otherOnB))
}

func testCloseIsPerProcess(t *testing.T, a, b pubsub.Broker) {
	ctx := deadline(t)
	onA := subscribe(ctx, t, a, "shared.close")
	onB := subscribe(ctx, t, b, "shared.close")
	require.NoError(t, a.Close())
	waitClosed(ctx, t, onA)
	require.ErrorIs(t, a.Publish(ctx, "shared.close", []byte("x")), pubsub.ErrClosed)
	publish(ctx, t, b, "shared.close", "still here")
	require.Equal(t, "still here", receiveString(ctx, t, onB))
}
