package main

import (
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn adapts a gorilla/websocket connection to net.Conn the way field agents do:
//
//   - every Write is sent as exactly ONE binary message. yamux writes a frame's 12-byte header
//     and its body with two separate Writes, so every data frame reaches the remote split over two
//     WebSocket messages; the remote must treat the messages as one byte stream.
//   - Read reads across message boundaries (NextReader), so the remote may cut the byte stream
//     into messages anywhere.
//
// A text message is a protocol error here: the remote must send binary messages only.
type wsConn struct {
	ws *websocket.Conn

	rmu sync.Mutex // serialises readers; yamux has one reader goroutine
	r   io.Reader  // the message being read, nil between messages

	wmu sync.Mutex // serialises writers; gorilla allows one concurrent writer

	closeOnce sync.Once
	closeErr  error
}

var _ net.Conn = (*wsConn)(nil)

func newWSConn(ws *websocket.Conn) *wsConn {
	return &wsConn{ws: ws}
}

// Read reads the next bytes of the stream formed by the concatenated binary messages.
func (c *wsConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if c.r == nil {
			mt, r, err := c.ws.NextReader()
			if err != nil {
				return 0, mapCloseError(err)
			}
			if mt != websocket.BinaryMessage {
				return 0, fmt.Errorf("websocket: unexpected message type %d, only binary messages carry yamux", mt)
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if err == io.EOF {
			c.r = nil // message done: continue with the next one
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			return n, mapCloseError(err)
		}
		return n, nil
	}
}

// mapCloseError turns a normal WebSocket close into io.EOF, like a TCP FIN, so yamux treats it as
// the end of the session rather than an error.
func mapCloseError(err error) error {
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
		return io.EOF
	}
	return err
}

// Write sends p as one binary message.
func (c *wsConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close sends a normal close frame (best effort, bounded) and closes the TCP connection.
func (c *wsConn) Close() error {
	c.closeOnce.Do(func() {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		_ = c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		c.closeErr = c.ws.Close()
	})
	return c.closeErr
}

// Abort closes the TCP connection without a WebSocket close frame, as a crashing agent would.
func (c *wsConn) Abort() {
	c.closeOnce.Do(func() {
		c.closeErr = c.ws.UnderlyingConn().Close()
	})
}

func (c *wsConn) LocalAddr() net.Addr                { return c.ws.LocalAddr() }
func (c *wsConn) RemoteAddr() net.Addr               { return c.ws.RemoteAddr() }
func (c *wsConn) SetReadDeadline(t time.Time) error  { return c.ws.SetReadDeadline(t) }
func (c *wsConn) SetWriteDeadline(t time.Time) error { return c.ws.SetWriteDeadline(t) }

func (c *wsConn) SetDeadline(t time.Time) error {
	if err := c.ws.SetReadDeadline(t); err != nil {
		return err
	}
	return c.ws.SetWriteDeadline(t)
}
