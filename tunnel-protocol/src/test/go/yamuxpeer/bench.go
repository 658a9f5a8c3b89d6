package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hashicorp/yamux"
)

// runBench measures Go yamux over loopback WebSocket (real TCP) in one process, plus raw TCP and
// raw WebSocket as ceilings. Each metric is measured -runs times for -seconds; the median is
// printed as "RESULT <impl> <metric> <value>". MB are 10^6 bytes.
func runBench() error {
	d := time.Duration(*seconds * float64(time.Second))
	if d <= 0 || *runs <= 0 {
		return fmt.Errorf("-seconds and -runs must be positive")
	}
	cfg := yamuxConfig()
	if err := yamux.VerifyConfig(cfg); err != nil {
		return err
	}

	// Go server: the command service on every stream, as in -mode server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/yamux", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		conn := newWSConn(ws)
		sess, err := yamux.Server(conn, cfg)
		if err != nil {
			return
		}
		(&peer{sess: sess, conn: conn, name: "bench server"}).serveStreams()
		sess.Close()
	})
	var wsReceived = make(chan int64, 1)
	mux.HandleFunc("/raw", func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		n, _ := io.Copy(io.Discard, newWSConn(ws))
		wsReceived <- n
	})
	go http.Serve(ln, mux)
	base := "ws://" + ln.Addr().String()

	dialer := *websocket.DefaultDialer
	ws, _, err := dialer.Dial(base+"/yamux", nil)
	if err != nil {
		return err
	}
	sess, err := yamux.Client(newWSConn(ws), cfg)
	if err != nil {
		return err
	}
	defer sess.Close()

	type metric struct {
		impl, name string
		measure    func() (float64, error)
	}
	metrics := []metric{
		{"tcp", "bulk_1_stream_mbps", func() (float64, error) { return benchRawTCP(d) }},
		{"ws", "bulk_1_stream_mbps", func() (float64, error) { return benchRawWS(base+"/raw", wsReceived, d) }},
		{"go-yamux-ws", "bulk_1_stream_mbps", func() (float64, error) { return benchBulk(sess, 1, d) }},
		{"go-yamux-ws", "bulk_100_streams_mbps", func() (float64, error) { return benchBulk(sess, 100, d) }},
		{"go-yamux-ws", "rr_1k_1_stream_per_s", func() (float64, error) { return benchRR(sess, 1, d) }},
		{"go-yamux-ws", "rr_1k_64_streams_per_s", func() (float64, error) { return benchRR(sess, 64, d) }},
	}
	fmt.Printf("# window=%d seconds=%g runs=%d (median reported; MB = 10^6 bytes)\n", *window, *seconds, *runs)
	var table []string
	for _, m := range metrics {
		vals := make([]float64, 0, *runs)
		for i := 0; i < *runs; i++ {
			v, err := m.measure()
			if err != nil {
				return fmt.Errorf("%s %s: %w", m.impl, m.name, err)
			}
			vals = append(vals, v)
		}
		sort.Float64s(vals)
		med := vals[len(vals)/2]
		fmt.Printf("RESULT %s %s %.1f\n", m.impl, m.name, med)
		table = append(table, fmt.Sprintf("# %-12s %-24s %12.1f  (min %.1f, max %.1f)", m.impl, m.name, med, vals[0], vals[len(vals)-1]))
	}
	fmt.Println(strings.Join(table, "\n"))
	return nil
}

// benchBulk writes 32 KiB chunks on k concurrent "discard" streams for d, then closes them and
// waits for the byte counts. It returns the aggregate MB/s over the time until all counts arrive.
func benchBulk(sess *yamux.Session, k int, d time.Duration) (float64, error) {
	start := time.Now()
	stop := start.Add(d)
	var total int64
	errs := make(chan error, k)
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := command(sess, "discard", stop.Add(time.Minute))
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			buf := make([]byte, 32*1024)
			var sent int64
			for time.Now().Before(stop) {
				n, err := st.Write(buf)
				sent += int64(n)
				if err != nil {
					errs <- err
					return
				}
			}
			st.Close()
			line, err := readLineAfterClose(st, stop.Add(time.Minute))
			if err != nil {
				errs <- err
				return
			}
			if line != strconv.FormatInt(sent, 10) {
				errs <- fmt.Errorf("remote counted %s bytes, sent %d", line, sent)
				return
			}
			atomic.AddInt64(&total, sent)
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return float64(total) / time.Since(start).Seconds() / 1e6, nil
}

// benchRR runs 1 KiB request/response round trips on k concurrent "rr 1024" streams for d and
// returns the aggregate round trips per second.
func benchRR(sess *yamux.Session, k int, d time.Duration) (float64, error) {
	start := time.Now()
	stop := start.Add(d)
	var total int64
	errs := make(chan error, k)
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := command(sess, "rr 1024", stop.Add(time.Minute))
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			buf := make([]byte, 1024)
			var n int64
			for time.Now().Before(stop) {
				if _, err := st.Write(buf); err != nil {
					errs <- err
					return
				}
				if _, err := io.ReadFull(st, buf); err != nil {
					errs <- err
					return
				}
				n++
			}
			atomic.AddInt64(&total, n)
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return float64(total) / time.Since(start).Seconds(), nil
}

// benchRawTCP writes 32 KiB chunks over one loopback TCP connection for d: the ceiling.
func benchRawTCP(d time.Duration) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	received := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			received <- -1
			return
		}
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		received <- n
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return 0, err
	}
	return timedWrite(c, received, d)
}

// benchRawWS writes 32 KiB binary messages over one loopback WebSocket for d (no yamux).
func benchRawWS(url string, received chan int64, d time.Duration) (float64, error) {
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return 0, err
	}
	return timedWrite(newWSConn(ws), received, d)
}

// timedWrite writes for d, closes c and waits until the receiver reports the byte count.
func timedWrite(c io.WriteCloser, received chan int64, d time.Duration) (float64, error) {
	start := time.Now()
	stop := start.Add(d)
	buf := make([]byte, 32*1024)
	var sent int64
	for time.Now().Before(stop) {
		n, err := c.Write(buf)
		sent += int64(n)
		if err != nil {
			return 0, err
		}
	}
	c.Close()
	select {
	case n := <-received:
		if n != sent {
			return 0, fmt.Errorf("received %d bytes, sent %d", n, sent)
		}
	case <-time.After(time.Minute):
		return 0, fmt.Errorf("receiver did not finish")
	}
	return float64(sent) / time.Since(start).Seconds() / 1e6, nil
}
