package servicetest

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisURL is the Redis server tests use: GATEHOUSE_TEST_REDIS_URL, else the
// local default.
func RedisURL() string {
	return envOr("GATEHOUSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
}

// Redis returns a client of the test Redis server and a key prefix unique
// to this test. Everything the test writes must live under the prefix; the
// keys are deleted when the test ends.
func Redis(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	skipShort(tb, "Redis")
	opts, err := redis.ParseURL(RedisURL())
	if err != nil {
		tb.Fatalf("parse GATEHOUSE_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		Unavailable(tb, "Redis at "+RedisURL(), err)
	}
	prefix := UniqueName("gatehouse_test_") + ":"
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	return client, prefix
}
