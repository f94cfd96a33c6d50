// Package pubsub carries notifications between the parts of Gatehouse that
// produce events ("an audit event was written", "this flow execution
// changed") and the GraphQL subscriptions waiting for them, in this process
// and in every other server process sharing the same Redis.
//
// # Model
//
// A Broker has topics, named by short strings (see ValidateTopic). Publish
// sends a []byte message to the topic's current subscribers; Subscribe
// returns a channel that receives every message published on the topic after
// Subscribe returned, until the subscription's context is done or the broker
// is closed, at which point the channel is closed. Two backends implement it:
//
//   - Local (NewLocal) delivers within one process, synchronously into the
//     subscriber buffers. For tests and single-process deployments.
//   - Redis (NewRedis) delivers to every process using the same Redis server
//     and key prefix, over Redis PUBLISH/SUBSCRIBE on the channel
//     prefix+topic.
//
// # Redis fan-out
//
// Each Redis broker (one per process) holds exactly one PubSub connection,
// subscribed to the channels its local subscribers want, and one reader
// goroutine that fans the connection's messages out to the local subscriber
// channels. Publishing uses the ordinary connection pool of the
// *redis.Client.
//
//	publishers, any process         Redis                 every subscribing process:
//	                                                      one PubSub conn, one reader
//
//	A: Publish(t, m) ──PUBLISH──┐                      ┌─▶ reader A ─┬─▶ sub chan [buffer]
//	                            ├─▶ channel prefix+t ──┤             └─▶ sub chan [buffer]
//	B: Publish(t, m) ──PUBLISH──┘                      └─▶ reader B ─┬─▶ sub chan [buffer]
//	                                                                 └─▶ sub chan [full: dropped, counted]
//
// A channel is SUBSCRIBEd when its first local subscriber arrives and
// UNSUBSCRIBEd when the last one leaves; Subscribe returns only after Redis
// confirmed the SUBSCRIBE on the connection, so nothing published afterwards
// is missed. Redis answers a connection's commands in order, and an earlier
// subscribe confirmation of the same channel may still be on its way (followed
// by an UNSUBSCRIBE), so Subscribe writes "PING token" right before its
// SUBSCRIBE and the reader wakes it at the first subscribe confirmation of its
// channel after that pong. Patterns (PSUBSCRIBE) are not used.
//
// # Delivery guarantees
//
//   - At most once: a message reaches each subscriber once or not at all.
//   - No history: a message published before Subscribe returned is not
//     delivered; there is no replay and no persistence.
//   - Order: messages of one publisher on one topic arrive in the order they
//     were published (publishes that do not wait for each other have no
//     order).
//   - Slow subscribers lose messages: each subscriber has a buffer
//     (Options.BufferSize); a message for a full buffer is dropped for that
//     subscriber only and counted by Dropped, and never blocks the publisher,
//     the reader or other subscribers.
//   - Received slices are shared between the subscribers of one message and
//     must not be modified.
//
// # Failures
//
//   - Redis down: Publish returns Redis' error; Subscribe returns an error
//     when its SUBSCRIBE cannot be sent or confirmed. Existing subscriptions
//     stay open, their channels are not closed.
//   - Connection lost: go-redis reconnects the PubSub connection and
//     re-subscribes its channels by itself; the reader notices the failed
//     read, retries with a growing pause (capped at a few seconds) while
//     reconnecting fails, and existing subscribers simply receive again once
//     the connection is back. Messages published while the connection was
//     down are lost. A Subscribe waiting for its confirmation when the
//     connection is lost sends its SUBSCRIBE again.
//   - A dead peer without a TCP reset is detected by TCP keep-alive (go-redis'
//     default dialer), after which the above applies.
package pubsub
