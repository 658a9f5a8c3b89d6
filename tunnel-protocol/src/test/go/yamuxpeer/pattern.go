package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/yamux"
)

// patternMul is the 64-bit golden-ratio constant of the deterministic test pattern.
const patternMul uint64 = 0x9E3779B97F4A7C15

// patternByte is byte i of the pattern for seed: the top 8 bits of i*patternMul + seed, with
// wrapping uint64 arithmetic. Java: (byte) ((i * 0x9E3779B97F4A7C15L + seed) >>> 56).
func patternByte(i, seed uint64) byte {
	return byte((i*patternMul + seed) >> 56)
}

// fillPattern fills buf with the pattern bytes at stream offsets off, off+1, ...
func fillPattern(buf []byte, off, seed uint64) {
	v := off*patternMul + seed
	for i := range buf {
		buf[i] = byte(v >> 56)
		v += patternMul
	}
}

// patternReader yields n bytes of the pattern for seed.
type patternReader struct {
	seed, off, n uint64
}

func newPatternReader(n int64, seed uint64) *patternReader {
	return &patternReader{seed: seed, n: uint64(n)}
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if rem := r.n - r.off; uint64(len(p)) > rem {
		p = p[:rem]
	}
	fillPattern(p, r.off, r.seed)
	r.off += uint64(len(p))
	return len(p), nil
}

// patternDigest returns the sink reply body "<n> <sha256hex>" for n pattern bytes of seed.
func patternDigest(n int64, seed uint64) string {
	h := sha256.New()
	if _, err := io.CopyBuffer(h, newPatternReader(n, seed), make([]byte, 32*1024)); err != nil {
		panic(err) // hashing never fails
	}
	return fmt.Sprintf("%d %s", n, hex.EncodeToString(h.Sum(nil)))
}

// parseSeed accepts a seed written as an unsigned or a signed 64-bit decimal (Java longs are
// signed; both spellings denote the same 64 bits).
func parseSeed(s string) (uint64, error) {
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u, nil
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad seed %q", s)
	}
	return uint64(i), nil
}

// afterCloseReader reads from a stream whose write side this peer has already closed.
//
// hashicorp/yamux before commit 17017e9 (2024), including the packaged df201c7, makes Read on a
// stream in the local-close state return io.EOF as soon as its receive buffer is momentarily
// empty, although the remote may still be sending. Data arriving later is still buffered, but no
// Read blocks for it. Callers that know how much to expect (a reply line, an echo of known length)
// read through this reader, which retries such an early EOF with a short backoff until the
// deadline passes or the session dies. With a fixed yamux the first Read already blocks and the
// retry never happens. The wire behaviour (FIN first, reading afterwards) is the one of a field
// agent that half-closes.
type afterCloseReader struct {
	st       *yamux.Stream
	deadline time.Time
}

func (r *afterCloseReader) Read(p []byte) (int, error) {
	backoff := 50 * time.Microsecond
	for {
		n, err := r.st.Read(p)
		if n > 0 || err != io.EOF {
			return n, err
		}
		if r.st.Session().IsClosed() {
			return 0, yamux.ErrSessionShutdown
		}
		if time.Now().After(r.deadline) {
			return 0, io.EOF
		}
		time.Sleep(backoff)
		if backoff < 2*time.Millisecond {
			backoff *= 2
		}
	}
}

// readLineAfterClose reads one '\n'-terminated line (at most 1 KiB) from a locally closed stream
// and returns it without the terminator.
func readLineAfterClose(st *yamux.Stream, deadline time.Time) (string, error) {
	r := &afterCloseReader{st: st, deadline: deadline}
	var sb strings.Builder
	b := make([]byte, 1)
	for sb.Len() < 1024 {
		if _, err := io.ReadFull(r, b); err != nil {
			if err == io.EOF {
				err = fmt.Errorf("stream ended before a complete line (got %q)", sb.String())
			}
			return sb.String(), err
		}
		if b[0] == '\n' {
			return sb.String(), nil
		}
		sb.WriteByte(b[0])
	}
	return sb.String(), errors.New("reply line longer than 1 KiB")
}
