package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

// interopTimeout bounds the whole scripted check.
const interopTimeout = 90 * time.Second

// interop drives a remote that serves the command service through the scripted check. The remote
// may be the Go server or a Java implementation. The first failing step ends the script.
func interop(p *peer) error {
	deadline := time.Now().Add(interopTimeout)
	steps := []struct {
		name string
		run  func(*peer, time.Time) error
	}{
		{"unknown command", checkUnknown},
		{"ping", checkPing},
		{"bulk sink+source", checkBulk},
		{"half-close echo", checkHalfCloseEcho},
		{"request/response", checkRequestResponse},
		{"remote opens streams", checkRemoteOpens},
		{"window exhaustion", checkHold},
		{"stats", checkStats},
		{"kill (second session)", checkKill},
		{"goaway", checkGoAway},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.run(p, deadline); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		log.Printf("interop: %s ok (%.0f ms)", s.name, float64(time.Since(start).Microseconds())/1000)
	}
	return nil
}

// command opens a stream and sends one command line.
func command(sess *yamux.Session, line string, deadline time.Time) (*yamux.Stream, error) {
	st, err := sess.OpenStream()
	if err != nil {
		return nil, fmt.Errorf("open stream for %q: %w", line, err)
	}
	st.SetDeadline(deadline)
	if _, err := io.WriteString(st, line+"\n"); err != nil {
		st.Close()
		return nil, fmt.Errorf("send %q: %w", line, err)
	}
	return st, nil
}

// request sends a command and returns the reply line; the stream is closed afterwards.
func request(sess *yamux.Session, line string, deadline time.Time) (string, error) {
	st, err := command(sess, line, deadline)
	if err != nil {
		return "", err
	}
	defer st.Close()
	return expectLine(st)
}

func checkUnknown(p *peer, deadline time.Time) error {
	got, err := request(p.sess, "frobnicate 1 2", deadline)
	if err != nil {
		return err
	}
	if got != "error unknown command" {
		return fmt.Errorf("reply %q", got)
	}
	return nil
}

func checkPing(p *peer, deadline time.Time) error {
	if _, err := p.sess.Ping(); err != nil {
		return fmt.Errorf("local ping: %w", err)
	}
	got, err := request(p.sess, "ping", deadline)
	if err != nil {
		return err
	}
	if f := strings.Fields(got); len(f) != 2 || f[0] != "pong" {
		return fmt.Errorf("reply %q", got)
	} else if ns, err := strconv.ParseInt(f[1], 10, 64); err != nil || ns <= 0 {
		return fmt.Errorf("reply %q: bad rtt", got)
	}
	return nil
}

// checkBulk sends -mib MiB through 200 concurrent "sink" streams (write, Close, read the digest)
// while 200 concurrent "source" streams bring the same amount back.
func checkBulk(p *peer, deadline time.Time) error {
	const streams = 200
	total := int64(*totalMiB) << 20
	size := func(i int) int64 {
		n := total / streams
		if int64(i) < total%streams {
			n++
		}
		return n
	}
	errs := make(chan error, 2*streams)
	var wg sync.WaitGroup
	for i := 0; i < streams; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			if err := sinkTo(p.sess, size(i), uint64(i), deadline); err != nil {
				errs <- fmt.Errorf("sink %d: %w", i, err)
			}
		}(i)
		go func(i int) {
			defer wg.Done()
			seed := uint64(1000 + i)
			if err := sourceFrom(p.sess, size(i), seed, deadline); err != nil {
				errs <- fmt.Errorf("source %d: %w", i, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// sourceFrom asks the remote for n pattern bytes of seed and verifies what arrives before its FIN.
func sourceFrom(sess *yamux.Session, n int64, seed uint64, deadline time.Time) error {
	st, err := command(sess, fmt.Sprintf("source %d %d", n, seed), deadline)
	if err != nil {
		return err
	}
	defer st.Close()
	count, sum, err := readAllFrom(st)
	if err != nil {
		return err
	}
	if got, want := fmt.Sprintf("%d %s", count, sum), patternDigest(n, seed); got != want {
		return fmt.Errorf("received %q, want %q", got, want)
	}
	return nil
}

// checkHalfCloseEcho writes 1 MiB to "echo", closes its write side and still reads the whole echo.
func checkHalfCloseEcho(p *peer, deadline time.Time) error {
	const n = 1 << 20
	st, err := command(p.sess, "echo", deadline)
	if err != nil {
		return err
	}
	defer st.Close()
	got := make([]byte, n)
	readErr := make(chan error, 1)
	go func() { // read concurrently: echo would stall once both windows are full
		_, err := io.ReadFull(&afterCloseReader{st: st, deadline: deadline}, got)
		readErr <- err
	}()
	want := make([]byte, n)
	fillPattern(want, 0, 42)
	if _, err := st.Write(want); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("read echo: %w", err)
	}
	if !bytes.Equal(got, want) {
		return errors.New("echo differs from what was sent")
	}
	return nil
}

// checkRequestResponse runs 200 1 KiB round trips through "rr 1024".
func checkRequestResponse(p *peer, deadline time.Time) error {
	st, err := command(p.sess, "rr 1024", deadline)
	if err != nil {
		return err
	}
	defer st.Close()
	req := make([]byte, 1024)
	resp := make([]byte, 1024)
	for i := 0; i < 200; i++ {
		fillPattern(req, uint64(i)*1024, 7)
		if _, err := st.Write(req); err != nil {
			return fmt.Errorf("round trip %d: write: %w", i, err)
		}
		if _, err := io.ReadFull(st, resp); err != nil {
			return fmt.Errorf("round trip %d: read: %w", i, err)
		}
		if !bytes.Equal(req, resp) {
			return fmt.Errorf("round trip %d: response differs", i)
		}
	}
	return nil
}

// checkRemoteOpens makes the remote open 20 streams back to this peer, which serves "sink".
func checkRemoteOpens(p *peer, deadline time.Time) error {
	got, err := request(p.sess, "open 20 100000", deadline)
	if err != nil {
		return err
	}
	if got != "ok 20" {
		return fmt.Errorf("reply %q", got)
	}
	return nil
}

// checkHold fills the send window of a stream whose remote reads nothing: a write must block
// after at least the initial 256 KiB window.
func checkHold(p *peer, deadline time.Time) error {
	st, err := command(p.sess, "hold", deadline)
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetWriteDeadline(time.Now().Add(500 * time.Millisecond)) // proves the block; not a sync sleep
	written := int64(5)                                         // "hold\n"
	buf := make([]byte, 32*1024)
	for written < 64<<20 {
		n, err := st.Write(buf)
		written += int64(n)
		if err == yamux.ErrTimeout {
			if written < 256*1024 {
				return fmt.Errorf("blocked after %d bytes, before the 256 KiB initial window was used", written)
			}
			log.Printf("interop: hold: writes blocked after %d bytes", written)
			return nil
		}
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return fmt.Errorf("wrote %d bytes without blocking", written)
}

func checkStats(p *peer, deadline time.Time) error {
	got, err := request(p.sess, "stats", deadline)
	if err != nil {
		return err
	}
	f := strings.Fields(got)
	if len(f) != 2 || f[0] != "streams" {
		return fmt.Errorf("reply %q", got)
	}
	if n, err := strconv.Atoi(f[1]); err != nil || n < 1 {
		return fmt.Errorf("reply %q: bad count", got)
	}
	log.Printf("interop: remote reports %s", got)
	return nil
}

// checkKill opens a second session, has the remote kill it, and checks that its streams and the
// session end promptly while the first session is unaffected.
func checkKill(p *peer, deadline time.Time) error {
	p2, err := dial()
	if err != nil {
		return err
	}
	defer p2.sess.Close()
	echo, err := command(p2.sess, "echo", deadline)
	if err != nil {
		return err
	}
	if _, err := echo.Write([]byte("x")); err != nil {
		return err
	}
	if _, err := io.ReadFull(echo, make([]byte, 1)); err != nil {
		return fmt.Errorf("echo before kill: %w", err)
	}
	// The remote may kill the session before this write has been confirmed locally.
	if _, err := command(p2.sess, "kill", deadline); err != nil && !errors.Is(err, yamux.ErrSessionShutdown) {
		return err
	}
	select {
	case <-p2.sess.CloseChan():
	case <-time.After(10 * time.Second):
		return errors.New("session still open 10 s after kill")
	}
	if _, err := echo.Read(make([]byte, 1)); err == nil {
		return errors.New("stream of the killed session still readable")
	}
	if _, err := p.sess.Ping(); err != nil {
		return fmt.Errorf("first session after kill: %w", err)
	}
	return nil
}

// checkGoAway asks the remote for a GoAway: afterwards opening a stream must fail with
// ErrRemoteGoAway while a stream opened before still completes.
func checkGoAway(p *peer, deadline time.Time) error {
	echo, err := command(p.sess, "echo", deadline)
	if err != nil {
		return err
	}
	defer echo.Close()
	first := []byte("before goaway\n")
	if _, err := echo.Write(first); err != nil {
		return err
	}
	if _, err := io.ReadFull(echo, make([]byte, len(first))); err != nil {
		return fmt.Errorf("echo before goaway: %w", err)
	}
	got, err := request(p.sess, "goaway", deadline)
	if err != nil {
		return err
	}
	if got != "ok" {
		return fmt.Errorf("reply %q", got)
	}
	if st, err := p.sess.OpenStream(); err != yamux.ErrRemoteGoAway {
		if st != nil {
			st.Close()
		}
		return fmt.Errorf("OpenStream after goaway returned %v, want %v", err, yamux.ErrRemoteGoAway)
	}
	second := []byte("after goaway\n")
	if _, err := echo.Write(second); err != nil {
		return fmt.Errorf("write after goaway: %w", err)
	}
	if err := echo.Close(); err != nil {
		return err
	}
	got2 := make([]byte, len(second))
	if _, err := io.ReadFull(&afterCloseReader{st: echo, deadline: deadline}, got2); err != nil {
		return fmt.Errorf("echo after goaway: %w", err)
	}
	if !bytes.Equal(got2, second) {
		return fmt.Errorf("echo after goaway %q", got2)
	}
	return nil
}
