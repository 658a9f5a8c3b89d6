// Command yamuxpeer is the Go peer of the tunnel-protocol interop tests. It speaks
// hashicorp/yamux over gorilla/websocket exactly like the edge agents in the field and serves a
// small command service on every stream the remote opens. See ../README.md.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hashicorp/yamux"
)

// headerFlags collects repeatable "-header 'Name: value'" flags.
type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

func (h headerFlags) httpHeader() (http.Header, error) {
	out := http.Header{}
	for _, v := range h {
		name, value, ok := strings.Cut(v, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("bad -header %q, want 'Name: value'", v)
		}
		out.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return out, nil
}

var (
	mode      = flag.String("mode", "", "server | client | agent | bench | pattern")
	listen    = flag.String("listen", "127.0.0.1:0", "server: listen address")
	path      = flag.String("path", "/", "server: HTTP path of the WebSocket endpoint")
	url       = flag.String("url", "", "client, agent: ws:// URL to dial")
	target    = flag.String("target", "", "agent: host:port each accepted stream is spliced to")
	runScript = flag.String("run", "", "client: 'interop' drives the remote through the scripted check")
	reconnect = flag.Bool("reconnect", false, "agent: dial again (after 1 s) when the session ends")
	window    = flag.Uint("window", 256*1024, "yamux MaxStreamWindowSize in bytes (>= 262144)")
	keepalive = flag.Duration("keepalive", 30*time.Second, "yamux keepalive interval, 0 disables")
	backlog   = flag.Int("backlog", 256, "yamux AcceptBacklog")
	seconds   = flag.Float64("seconds", 1, "bench: duration of one measurement in seconds")
	runs      = flag.Int("runs", 3, "bench: measurements per metric; the median is reported")
	patternN  = flag.Int64("n", 0, "pattern: number of bytes to write")
	seedFlag  = flag.String("seed", "0", "pattern: seed (signed or unsigned 64-bit decimal)")
	totalMiB  = flag.Int("mib", 64, "client -run interop: MiB per direction in the bulk check")
	headers   headerFlags
)

func main() {
	flag.Var(&headers, "header", "client, agent: extra handshake header 'Name: value' (repeatable)")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("yamuxpeer ")

	var err error
	switch *mode {
	case "server":
		err = runServer()
	case "client":
		os.Exit(runClient())
	case "agent":
		os.Exit(runAgent())
	case "bench":
		err = runBench()
	case "pattern":
		err = writePattern()
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		log.Printf("%s: %v", *mode, err)
		os.Exit(1)
	}
}

// yamuxConfig is the default hashicorp configuration with the -window, -keepalive and -backlog
// flags applied.
func yamuxConfig() *yamux.Config {
	c := yamux.DefaultConfig()
	c.MaxStreamWindowSize = uint32(*window)
	c.AcceptBacklog = *backlog
	if *keepalive <= 0 {
		c.EnableKeepAlive = false // the interval must stay positive for VerifyConfig
	} else {
		c.KeepAliveInterval = *keepalive
	}
	c.LogOutput = os.Stderr
	return c
}

// upgrader accepts any origin: the remote is a test, not a browser.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// runServer serves WebSocket connections, one yamux server session each, until killed.
func runServer() error {
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(*path, "/") {
		return fmt.Errorf("-path must start with /")
	}
	cfg := yamuxConfig()
	if err := yamux.VerifyConfig(cfg); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc(*path, func(w http.ResponseWriter, r *http.Request) {
		ws, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return // the upgrader has answered with an HTTP error
		}
		conn := newWSConn(ws)
		sess, err := yamux.Server(conn, cfg)
		if err != nil {
			conn.Close()
			return
		}
		p := &peer{sess: sess, conn: conn, name: "server " + r.RemoteAddr}
		log.Printf("%s: session started", p.name)
		err = p.serveStreams()
		log.Printf("%s: session ended: %v", p.name, err)
		sess.Close()
	})
	fmt.Printf("LISTENING ws://%s%s\n", ln.Addr(), *path)
	return http.Serve(ln, mux)
}

// dial opens the WebSocket connection to -url with the -header headers and starts a yamux client
// session on it. A rejected handshake is reported with its HTTP status.
func dial() (*peer, error) {
	if *url == "" {
		return nil, errors.New("-url is required")
	}
	h, err := headers.httpHeader()
	if err != nil {
		return nil, err
	}
	cfg := yamuxConfig()
	if err := yamux.VerifyConfig(cfg); err != nil {
		return nil, err
	}
	dialer := *websocket.DefaultDialer
	dialer.HandshakeTimeout = 10 * time.Second
	ws, resp, err := dialer.Dial(*url, h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("dial %s: HTTP %d: %w", *url, resp.StatusCode, err)
		}
		return nil, fmt.Errorf("dial %s: %w", *url, err)
	}
	conn := newWSConn(ws)
	sess, err := yamux.Client(conn, cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &peer{sess: sess, conn: conn, name: "client"}, nil
}

// runClient dials, then either serves the command service on accepted streams until the session
// ends, or drives the remote through the interop script. It returns the exit code.
func runClient() int {
	p, err := dial()
	if err != nil {
		fmt.Printf("DIAL_FAILED %v\n", err)
		return 2
	}
	switch *runScript {
	case "":
		fmt.Println("CONNECTED")
		return sessionEnded(p, p.serveStreams())
	case "interop":
		go p.serveStreams() // the remote opens streams back during "open"
		if err := interop(p); err != nil {
			fmt.Printf("FAIL %v\n", err)
			p.sess.Close()
			return 1
		}
		fmt.Println("PASS")
		p.sess.Close()
		return 0
	default:
		log.Printf("unknown -run %q", *runScript)
		p.sess.Close()
		return 2
	}
}

// sessionEnded prints "CLOSED <reason>" and returns the exit code: 0 when the remote ended the
// session normally (WebSocket close, EOF or a local kill), 3 otherwise.
func sessionEnded(p *peer, err error) int {
	p.sess.Close()
	reason := "eof"
	code := 0
	if err != nil && err != io.EOF && err != yamux.ErrSessionShutdown {
		reason = err.Error()
		code = 3
	}
	log.Printf("%s: session ended: %s", p.name, reason)
	fmt.Printf("CLOSED %s\n", reason)
	return code
}

// writePattern writes -n pattern bytes of -seed to stdout.
func writePattern() error {
	seed, err := parseSeed(*seedFlag)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	if _, err := io.CopyBuffer(w, newPatternReader(*patternN, seed), make([]byte, 32*1024)); err != nil {
		return err
	}
	return w.Flush()
}
