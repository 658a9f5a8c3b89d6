package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

// runAgent behaves like a field agent: it dials the relay and splices every stream the relay
// opens to a new TCP connection to -target. It returns the exit code.
func runAgent() int {
	if *target == "" {
		log.Printf("agent: -target is required")
		return 2
	}
	for {
		p, err := dial()
		if err != nil {
			fmt.Printf("DIAL_FAILED %v\n", err)
			if !*reconnect {
				return 2
			}
		} else {
			p.name = "agent"
			fmt.Println("CONNECTED")
			code := sessionEnded(p, acceptAndSplice(p.sess))
			if !*reconnect {
				return code
			}
		}
		time.Sleep(time.Second) // reconnect back-off, as agents do
	}
}

func acceptAndSplice(sess *yamux.Session) error {
	for {
		st, err := sess.AcceptStream()
		if err != nil {
			return err
		}
		go splice(st)
	}
}

// splice copies both directions between the stream and a new TCP connection to -target and
// propagates half-closes: EOF from the stream becomes a TCP FIN (CloseWrite), EOF from TCP becomes
// a yamux FIN (Close). A failed dial closes the stream without data.
//
// With the packaged yamux (df201c7) a stream stops delivering data once this side has closed it
// (see afterCloseReader), so bytes the relay sends after the target's FIN can be lost; field
// agents built on that version behave the same.
func splice(st *yamux.Stream) {
	tcp, err := net.DialTimeout("tcp", *target, 10*time.Second)
	if err != nil {
		log.Printf("agent stream %d: dial %s: %v", st.StreamID(), *target, err)
		st.Close()
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // relay -> target
		defer wg.Done()
		if _, err := io.Copy(tcp, st); err != nil {
			log.Printf("agent stream %d: to target: %v", st.StreamID(), err)
			tcp.Close() // the stream is broken: end the other direction too
			return
		}
		tcp.(*net.TCPConn).CloseWrite()
	}()
	go func() { // target -> relay
		defer wg.Done()
		if _, err := io.Copy(st, tcp); err != nil {
			log.Printf("agent stream %d: from target: %v", st.StreamID(), err)
			tcp.Close()
		}
		st.Close()
	}()
	wg.Wait()
	tcp.Close()
}
