package sandbox

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// PeerUID returns the uid owning the other end of c, a TCP connection between
// two sockets of this host's network namespace (e.g. accepted from an
// environment with Network true on 127.0.0.1). With environments sharing the
// host's network, this is how a per-environment endpoint (the Runtime API)
// tells its own environment, whose Spec.UID it knows, from any other.
func PeerUID(c net.Conn) (int, error) {
	local, lok := c.LocalAddr().(*net.TCPAddr)
	remote, rok := c.RemoteAddr().(*net.TCPAddr)
	if !lok || !rok {
		return 0, fmt.Errorf("peer uid: %T is not a TCP connection", c)
	}
	// The peer's socket has our remote address as its local one.
	want := [2]netip.AddrPort{unmap(remote.AddrPort()), unmap(local.AddrPort())}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return 0, fmt.Errorf("peer uid: %w", err)
		}
		uid, err := findSocketUID(f, want)
		f.Close()
		if err == nil {
			return uid, nil
		}
		if !errors.Is(err, errNoSocket) {
			return 0, fmt.Errorf("peer uid: %s: %w", file, err)
		}
	}
	return 0, fmt.Errorf("peer uid: no socket %v -> %v on this host (connection from another network namespace or host?)", want[0], want[1])
}

var errNoSocket = errors.New("socket not found")

// findSocketUID finds the socket with local and remote address want in a
// /proc/net/tcp{,6} table and returns its uid.
func findSocketUID(r io.Reader, want [2]netip.AddrPort) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 {
			continue
		}
		l, err := parseProcNetAddr(f[1])
		if err != nil {
			return 0, err
		}
		rm, err := parseProcNetAddr(f[2])
		if err != nil {
			return 0, err
		}
		if l == want[0] && rm == want[1] {
			return strconv.Atoi(f[7])
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errNoSocket
}

// parseProcNetAddr parses "0100007F:1F90": the address as 32-bit words
// printed in host byte order, and the port, in hex.
func parseProcNetAddr(s string) (netip.AddrPort, error) {
	h, p, ok := strings.Cut(s, ":")
	port, perr := strconv.ParseUint(p, 16, 16)
	b, herr := hex.DecodeString(h)
	if !ok || perr != nil || herr != nil || (len(b) != 4 && len(b) != 16) {
		return netip.AddrPort{}, fmt.Errorf("bad address %q", s)
	}
	for i := 0; i < len(b); i += 4 {
		binary.NativeEndian.PutUint32(b[i:], binary.BigEndian.Uint32(b[i:]))
	}
	a, _ := netip.AddrFromSlice(b)
	return unmap(netip.AddrPortFrom(a, uint16(port))), nil
}

func unmap(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
