package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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

// peer is one yamux session over one WebSocket connection, with the command service running on
// every stream the remote opens.
type peer struct {
	sess *yamux.Session
	conn *wsConn
	name string // for log lines
}

// serveStreams accepts streams until the session ends and returns the reason it ended.
func (p *peer) serveStreams() error {
	for {
		st, err := p.sess.AcceptStream()
		if err != nil {
			return err
		}
		go p.serve(st)
	}
}

// maxCommandLine bounds the command line a remote may send.
const maxCommandLine = 1024

// openTimeout bounds the whole "open" command.
const openTimeout = 60 * time.Second

// serve runs the command service on an accepted stream: one command line, then the command.
func (p *peer) serve(st *yamux.Stream) {
	br := bufio.NewReaderSize(st, 32*1024)
	line, err := br.ReadSlice('\n')
	if err != nil {
		if err == bufio.ErrBufferFull || len(line) >= maxCommandLine {
			reply(st, "error command line too long\n")
		} else if err != io.EOF {
			log.Printf("%s stream %d: reading command: %v", p.name, st.StreamID(), err)
		}
		st.Close()
		return
	}
	if len(line) > maxCommandLine {
		reply(st, "error command line too long\n")
		st.Close()
		return
	}
	args := strings.Fields(string(line))
	if len(args) == 0 {
		reply(st, "error unknown command\n")
		st.Close()
		return
	}
	if err := p.run(st, br, args); err != nil {
		log.Printf("%s stream %d: %s: %v", p.name, st.StreamID(), args[0], err)
		if errors.Is(err, errBadArguments) {
			reply(st, fmt.Sprintf("error %v\n", err))
		}
	}
	st.Close()
}

var errBadArguments = errors.New("bad arguments")

func badArgs(args []string) error {
	return fmt.Errorf("%w: %s", errBadArguments, strings.Join(args, " "))
}

// reply writes s and ignores errors: the remote may already be gone.
func reply(st *yamux.Stream, s string) {
	_, _ = io.WriteString(st, s)
}

// run executes one command. The caller closes the stream afterwards (hashicorp Close = FIN).
func (p *peer) run(st *yamux.Stream, br *bufio.Reader, args []string) error {
	switch args[0] {
	case "echo":
		_, err := io.Copy(st, br)
		return err

	case "sink":
		h := sha256.New()
		n, err := io.Copy(h, br)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(st, "%d %s\n", n, hex.EncodeToString(h.Sum(nil)))
		return err

	case "discard":
		n, err := io.Copy(io.Discard, br)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(st, "%d\n", n)
		return err

	case "source":
		if len(args) != 3 {
			return badArgs(args)
		}
		n, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil || n < 0 {
			return badArgs(args)
		}
		seed, err := parseSeed(args[2])
		if err != nil {
			return badArgs(args)
		}
		_, err = io.CopyBuffer(st, newPatternReader(n, seed), make([]byte, 32*1024))
		return err

	case "rr":
		if len(args) != 2 {
			return badArgs(args)
		}
		size, err := strconv.Atoi(args[1])
		if err != nil || size <= 0 || size > 16<<20 {
			return badArgs(args)
		}
		buf := make([]byte, size)
		for {
			if _, err := io.ReadFull(br, buf); err != nil {
				if err == io.EOF {
					return nil
				}
				return err
			}
			if _, err := st.Write(buf); err != nil {
				return err
			}
		}

	case "open":
		if len(args) != 3 {
			return badArgs(args)
		}
		k, err1 := strconv.Atoi(args[1])
		n, err2 := strconv.ParseInt(args[2], 10, 64)
		if err1 != nil || err2 != nil || k < 0 || k > 10000 || n < 0 {
			return badArgs(args)
		}
		if err := openSinks(p.sess, k, n, time.Now().Add(openTimeout)); err != nil {
			reply(st, fmt.Sprintf("fail %v\n", err))
			return nil
		}
		reply(st, fmt.Sprintf("ok %d\n", k))
		return nil

	case "ping":
		rtt, err := p.sess.Ping()
		if err != nil {
			reply(st, fmt.Sprintf("error ping: %v\n", err))
			return err
		}
		reply(st, fmt.Sprintf("pong %d\n", rtt.Nanoseconds()))
		return nil

	case "goaway":
		if err := p.sess.GoAway(); err != nil {
			return err
		}
		reply(st, "ok\n")
		return nil

	case "hold":
		// Reads nothing, so the remote's send window fills up. yamux offers no way to notice a
		// FIN or RST without reading, so this lasts until the session ends.
		<-p.sess.CloseChan()
		return nil

	case "kill":
		log.Printf("%s: kill: closing the connection abruptly", p.name)
		p.conn.Abort()
		p.sess.Close()
		return nil

	case "stats":
		reply(st, fmt.Sprintf("streams %d\n", p.sess.NumStreams()))
		return nil
	}
	reply(st, "error unknown command\n")
	return nil
}

// openSinks opens k streams to the remote concurrently. On stream i it sends "sink\n" and n
// pattern bytes of seed i, closes its write side and checks the reply "<n> <sha256hex>".
func openSinks(sess *yamux.Session, k int, n int64, deadline time.Time) error {
	errs := make(chan error, k)
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := sinkTo(sess, n, uint64(i), deadline); err != nil {
				errs <- fmt.Errorf("stream %d: %w", i, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	return <-errs // the first error, or nil
}

// sinkTo opens a stream, runs "sink" on the remote with n pattern bytes of seed and verifies the
// reply. The expected digest is computed while sending.
func sinkTo(sess *yamux.Session, n int64, seed uint64, deadline time.Time) error {
	st, err := sess.OpenStream()
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer st.Close()
	st.SetDeadline(deadline)
	if _, err := io.WriteString(st, "sink\n"); err != nil {
		return fmt.Errorf("write command: %w", err)
	}
	h := sha256.New()
	if _, err := io.CopyBuffer(io.MultiWriter(st, h), newPatternReader(n, seed), make([]byte, 32*1024)); err != nil {
		return fmt.Errorf("write data: %w", err)
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	got, err := readLineAfterClose(st, deadline)
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	if want := fmt.Sprintf("%d %s", n, hex.EncodeToString(h.Sum(nil))); got != want {
		return fmt.Errorf("reply %q, want %q", got, want)
	}
	return nil
}

// readAllFrom reads a stream to its end (for streams the remote closes) and returns the byte
// count and SHA-256 hex.
func readAllFrom(r io.Reader) (int64, string, error) {
	h := sha256.New()
	n, err := io.CopyBuffer(h, r, make([]byte, 32*1024))
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// expectLine reads one reply line from a stream that is still open for writing.
func expectLine(r io.Reader) (string, error) {
	var line []byte
	b := make([]byte, 1)
	for len(line) < maxCommandLine {
		if _, err := io.ReadFull(r, b); err != nil {
			return string(line), fmt.Errorf("reading reply line (got %q): %w", line, err)
		}
		if b[0] == '\n' {
			return string(line), nil
		}
		line = append(line, b[0])
	}
	return string(line), fmt.Errorf("reply line too long: %q", bytes.TrimSpace(line))
}
