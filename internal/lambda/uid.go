package lambda

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
)

// Sandbox uids are leased host-wide. An environment's uid is what keeps
// other environments off its Runtime API (checked on accept) and away from
// its processes, so no two live environments on a host may share one, even
// when they belong to different gureum processes (several servers on one
// host, or tests running servers side by side). A lease is an exclusive
// flock on the file named by the uid in a host directory; the kernel drops
// it when its holder dies, so a crashed gureum leaks nothing.

// The leased range.
const (
	firstUID = 30001
	uidCount = 20000
)

// uidDirs are where the lease files live: the first one that can be used.
var uidDirs = []string{"/run/gureum/uids", filepath.Join(os.TempDir(), "gureum-uids")}

// uidLease is one leased uid.
type uidLease struct {
	uid int
	f   *os.File
}

// uidLeaser hands out leases, trying the uids this process released first
// (their files exist and are most likely free), then the range in order.
type uidLeaser struct {
	mu       sync.Mutex
	dir      string
	released []int
	next     int // scan position in the range
}

var errNoUID = errors.New("no free sandbox uid on this host")

func (l *uidLeaser) lease() (*uidLease, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dir == "" {
		var err error
		if l.dir, err = leaseDir(); err != nil {
			return nil, err
		}
	}
	for len(l.released) > 0 {
		uid := l.released[len(l.released)-1]
		l.released = l.released[:len(l.released)-1]
		if le, err := l.try(uid); le != nil || err != nil {
			return le, err
		}
	}
	for range uidCount {
		uid := firstUID + l.next
		l.next = (l.next + 1) % uidCount
		if le, err := l.try(uid); le != nil || err != nil {
			return le, err
		}
	}
	return nil, errNoUID
}

// try locks uid's lease file; nil, nil when someone holds it.
func (l *uidLeaser) try(uid int) (*uidLease, error) {
	f, err := os.OpenFile(filepath.Join(l.dir, strconv.Itoa(uid)), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lease sandbox uid: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil
		}
		return nil, fmt.Errorf("lease sandbox uid: %w", err)
	}
	return &uidLease{uid: uid, f: f}, nil
}

// release ends a lease (closing the file drops the lock).
func (l *uidLeaser) release(le *uidLease) {
	if le == nil {
		return
	}
	le.f.Close()
	l.mu.Lock()
	l.released = append(l.released, le.uid)
	l.mu.Unlock()
}

func leaseDir() (string, error) {
	var errs []error
	for _, d := range uidDirs {
		if err := os.MkdirAll(d, 0o700); err != nil {
			errs = append(errs, err)
			continue
		}
		return d, nil
	}
	return "", fmt.Errorf("lease sandbox uid: %w", errors.Join(errs...))
}
