package user

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// ErrMalformedHash is returned by Verify for a stored string it cannot
// read; it means bad data, never a wrong password.
var ErrMalformedHash = errors.New("user: malformed password hash")

// params are the argon2id settings of one hash. New hashes use
// defaultParams; Verify uses whatever the stored string says, so the
// settings can be raised later without invalidating existing passwords.
type params struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	saltLen int
	keyLen  int
}

// defaultParams follow the OWASP Password Storage Cheat Sheet's first
// argon2id option: 19 MiB, 2 passes, 1 lane.
var defaultParams = params{memory: 19456, time: 2, threads: 1, saltLen: 16, keyLen: 32}

// Limits on what Verify accepts. They are far above defaultParams but stop
// a corrupt or planted row from making one login allocate gigabytes or spin
// for minutes.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	minSaltLen = 8 // the argon2 specification's minimum
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// Hasher hashes and verifies passwords. Each argon2id run takes ~19 MiB
// and tens of milliseconds of a core, so a semaphore bounds how many run
// at once: a burst of logins queues instead of exhausting memory.
//
// The queue is fair between clients: each client (see WithClient) has a
// lane that holds at most one hash at a time, so a flood of sign-ins from
// one address waits in its own lane and takes one slot, and a person
// signing in from elsewhere gets another at once.
type Hasher struct {
	p   params
	sem chan struct{}

	mu    sync.Mutex
	lanes map[string]*lane
}

type lane struct {
	turn  chan struct{} // holds a token while the lane's hash runs
	users int           // requests in or waiting in the lane
}

// NewHasher returns a Hasher running at most concurrency hashes at once
// (at least one).
func NewHasher(concurrency int) *Hasher {
	return &Hasher{p: defaultParams, sem: make(chan struct{}, max(concurrency, 1)), lanes: map[string]*lane{}}
}

type clientKey struct{}

// WithClient tells the hasher which client a request comes from (its
// address), so that one client's requests queue behind each other and not
// in front of everyone else's.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// enterLane waits for the client's turn; the returned function ends it.
func (h *Hasher) enterLane(ctx context.Context) (func(), error) {
	client, _ := ctx.Value(clientKey{}).(string)
	if client == "" {
		return func() {}, nil
	}
	h.mu.Lock()
	l := h.lanes[client]
	if l == nil {
		l = &lane{turn: make(chan struct{}, 1)}
		h.lanes[client] = l
	}
	l.users++
	h.mu.Unlock()
	leave := func() {
		h.mu.Lock()
		if l.users--; l.users == 0 {
			delete(h.lanes, client)
		}
		h.mu.Unlock()
	}
	select {
	case l.turn <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	return func() { <-l.turn; leave() }, nil
}

// derive runs argon2id once the client's turn has come and a slot is
// free. Waiting gives up when ctx ends so that a cancelled request does not
// keep its place in the queue.
func (h *Hasher) derive(ctx context.Context, password string, salt []byte, p params, keyLen int) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	done, err := h.enterLane(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(keyLen)), nil
}

// Hash returns password hashed with a fresh random salt, in the PHC string
// format "$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>".
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("user: hash: salt: %w", err)
	}
	key, err := h.derive(ctx, password, salt, h.p, h.p.keyLen)
	if err != nil {
		return "", fmt.Errorf("user: hash: %w", err)
	}
	return encodeHash(h.p, salt, key), nil
}

// Verify reports whether password matches encoded. A mismatch is false
// with a nil error; an unreadable encoded gives ErrMalformedHash.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got, err := h.derive(ctx, password, salt, p, len(want))
	if err != nil {
		return false, fmt.Errorf("user: verify: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func encodeHash(p params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

// decodeHash reads a PHC argon2id string strictly: parameters in the order
// m, t, p, as every argon2 library writes them, and only version 19.
func decodeHash(encoded string) (params, []byte, []byte, error) {
	var p params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: not an argon2id string", ErrMalformedHash)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version", ErrMalformedHash)
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, nil, nil, fmt.Errorf("%w: want m, t and p", ErrMalformedHash)
	}
	m, err := parseParam(fields[0], "m", maxMemory)
	if err != nil {
		return p, nil, nil, err
	}
	t, err := parseParam(fields[1], "t", maxTime)
	if err != nil {
		return p, nil, nil, err
	}
	th, err := parseParam(fields[2], "p", maxThreads)
	if err != nil {
		return p, nil, nil, err
	}
	// argon2 needs 8 KiB per lane; the library would quietly raise a lower
	// value, computing something other than what the string claims.
	if m < 8*th {
		return p, nil, nil, fmt.Errorf("%w: memory below 8 KiB per lane", ErrMalformedHash)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return p, nil, nil, fmt.Errorf("%w: bad salt", ErrMalformedHash)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, fmt.Errorf("%w: bad key", ErrMalformedHash)
	}
	p = params{memory: m, time: t, threads: uint8(th), saltLen: len(salt), keyLen: len(key)}
	return p, salt, key, nil
}

// parseParam reads "name=value" with value in 1..limit.
func parseParam(field, name string, limit uint32) (uint32, error) {
	v, ok := strings.CutPrefix(field, name+"=")
	if !ok {
		return 0, fmt.Errorf("%w: want %s=", ErrMalformedHash, name)
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > uint64(limit) {
		return 0, fmt.Errorf("%w: bad %s", ErrMalformedHash, name)
	}
	return uint32(n), nil
}
