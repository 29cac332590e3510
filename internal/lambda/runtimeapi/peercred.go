package runtimeapi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
)

// errPeerNotFound: the peer's socket is not in /proc/net/tcp{,6} (it is in
// another network namespace, or closed already).
var errPeerNotFound = errors.New("peer socket not found in /proc/net/tcp")

// peerUID returns the uid owning the other end of c, a TCP connection over
// loopback: the socket in /proc/net/tcp whose local address is c's remote
// address and whose remote address is c's local address.
func peerUID(c net.Conn) (int, error) {
	local, ok1 := c.LocalAddr().(*net.TCPAddr)
	remote, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok1 || !ok2 {
		return -1, fmt.Errorf("not a TCP connection: %s", c.RemoteAddr())
	}
	if uid, err := findUID("/proc/net/tcp", hexAddr4(remote), hexAddr4(local)); err == nil || !errors.Is(err, errPeerNotFound) {
		return uid, err
	}
	// A client with an AF_INET6 socket shows as ::ffff:127.0.0.1.
	return findUID("/proc/net/tcp6", hexAddr6(remote), hexAddr6(local))
}

// findUID scans a /proc/net/tcp-format table for the socket with the given
// local and remote addresses (in the table's hex format) and returns its uid.
func findUID(table string, localHex, remoteHex []byte) (int, error) {
	f, err := os.Open(table)
	if err != nil {
		return -1, err
	}
	defer f.Close()
	return scanUID(f, localHex, remoteHex)
}

func scanUID(r io.Reader, localHex, remoteHex []byte) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	sc.Scan() // header
	for sc.Scan() {
		// "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid ..."
		line := sc.Bytes()
		fields := bytes.Fields(line)
		if len(fields) < 8 || !bytes.Equal(fields[1], localHex) || !bytes.Equal(fields[2], remoteHex) {
			continue
		}
		uid, err := strconv.Atoi(string(fields[7]))
		if err != nil {
			return -1, fmt.Errorf("bad uid %q in /proc/net/tcp", fields[7])
		}
		return uid, nil
	}
	if err := sc.Err(); err != nil {
		return -1, err
	}
	return -1, errPeerNotFound
}

const hexDigits = "0123456789ABCDEF"

// hexAddr4 formats an IPv4 address and port as /proc/net/tcp does: the
// address as a 32-bit word in host byte order (little-endian on the amd64
// and arm64 hosts gureum runs on), the port big-endian, both in upper-case
// hex ("0100007F:1F90" for 127.0.0.1:8080).
func hexAddr4(a *net.TCPAddr) []byte {
	ip := a.IP.To4()
	if ip == nil {
		return nil
	}
	b := make([]byte, 0, 13)
	for i := 3; i >= 0; i-- {
		b = append(b, hexDigits[ip[i]>>4], hexDigits[ip[i]&15])
	}
	return appendPort(b, a.Port)
}

// hexAddr6 formats an address as /proc/net/tcp6 does: four 32-bit words,
// each in host byte order.
func hexAddr6(a *net.TCPAddr) []byte {
	ip := a.IP.To16()
	if ip == nil {
		return nil
	}
	b := make([]byte, 0, 37)
	for w := 0; w < 4; w++ {
		for i := 3; i >= 0; i-- {
			c := ip[w*4+i]
			b = append(b, hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return appendPort(b, a.Port)
}

func appendPort(b []byte, port int) []byte {
	return append(b, ':',
		hexDigits[(port>>12)&15], hexDigits[(port>>8)&15], hexDigits[(port>>4)&15], hexDigits[port&15])
}
