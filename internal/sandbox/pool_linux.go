package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Pool keeps sandbox inits started ahead of need, so that a start skips the
// slow half of a cold start: creating the cgroup and the process in new
// namespaces, the init's Go runtime start-up, and (cgroup v1) moving it into
// its cgroup, which waits for an RCU grace period. What remains is building
// the root file system and starting the runtime.
//
// A pooled init waits, doing nothing, in a cgroup without limits; it has no
// access to anything of a function until Start gives it one, and it is never
// reused. Its cgroup gets the environment's limits, and on cgroup v1 its name
// (v2 cannot rename cgroups: there the directory keeps the pool's name,
// <parent>/pool-<pid>-<n>; Env.CgroupPaths tells).
type Pool struct {
	h     hierarchy
	ready [2]chan *pending // [0]: private network, [1]: host network
	stop  chan struct{}
	wg    sync.WaitGroup
	seq   atomic.Int64

	pooled, direct atomic.Int64 // starts served from the pool / not

	closeOnce sync.Once
}

// NewPool starts keeping size inits ready for each network mode (so
// 2×size idle processes of a few MB each). Close it when done.
func NewPool(size int) (*Pool, error) {
	h, err := hostHierarchy()
	if err != nil {
		return nil, fmt.Errorf("sandbox pool: %w", err)
	}
	if size < 1 {
		return nil, fmt.Errorf("sandbox pool: size %d < 1", size)
	}
	p := &Pool{h: h, stop: make(chan struct{})}
	for i := range p.ready {
		p.ready[i] = make(chan *pending, size-1) // plus one waiting to be sent
		p.wg.Go(func() { p.fill(i == 1) })
	}
	return p, nil
}

// fill keeps the ready channel for one network mode full.
func (p *Pool) fill(network bool) {
	backoff := 10 * time.Millisecond
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		id := fmt.Sprintf("pool-%d-%d", os.Getpid(), p.seq.Add(1))
		pe, err := spawn(p.h, DefaultCgroupParent, id, network, limits{}, true)
		if err != nil {
			// Starts fall back to Start, which reports the problem.
			select {
			case <-p.stop:
				return
			case <-time.After(backoff):
				backoff = min(2*backoff, 5*time.Second)
				continue
			}
		}
		backoff = 10 * time.Millisecond
		select {
		case p.ready[netIndex(network)] <- pe:
		case <-p.stop:
			_ = pe.discard(nil)
			return
		}
	}
}

func netIndex(network bool) int {
	if network {
		return 1
	}
	return 0
}

// Start is Start using a pooled init when one is ready for s.Network (and
// s uses the default CgroupParent); otherwise it starts one as Start does.
func (p *Pool) Start(ctx context.Context, s Spec) (*Env, error) {
	s, err := s.normalize()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for s.CgroupParent == DefaultCgroupParent {
		var pe *pending
		select {
		case pe = <-p.ready[netIndex(s.Network)]:
		default:
		}
		if pe == nil {
			break
		}
		e, err := p.assign(ctx, pe, s)
		if errors.Is(err, errInitGone) {
			continue // it died waiting: take another
		}
		p.pooled.Add(1)
		return e, err
	}
	p.direct.Add(1)
	return start(ctx, s, p.h, limitsOf)
}

// assign gives a pooled init the environment s.
func (p *Pool) assign(ctx context.Context, pe *pending, s Spec) (*Env, error) {
	select {
	case <-pe.e.done:
		return nil, pe.discard(errInitGone)
	default:
	}
	fail := func(err error) error { return pe.discard(fmt.Errorf("start sandbox %s: %w", s.ID, err)) }
	if err := pe.e.cg.rename(s.ID); err != nil {
		return nil, fail(err)
	}
	if err := pe.e.cg.setLimits(limitsOf(s)); err != nil {
		return nil, fail(err)
	}
	pe.e.id = s.ID
	return pe.configure(ctx, s)
}

// Close stops refilling and kills the idle inits. Environments started from
// the pool are not affected.
func (p *Pool) Close() error {
	var errs []error
	p.closeOnce.Do(func() {
		close(p.stop)
		p.wg.Wait()
		for _, ch := range p.ready {
			close(ch)
			for pe := range ch {
				errs = append(errs, pe.discard(nil))
			}
		}
	})
	return errors.Join(errs...)
}

// RemoveStaleCgroups removes the empty cgroups under parent (default
// "gureum") in every hierarchy: those of environments and pools of an
// earlier process that died without closing them (their processes died with
// it: the inits have a parent-death signal). Cgroups with processes are left
// alone. Call it at startup, before starting environments; two processes
// sharing a parent must not call it while the other starts environments.
func RemoveStaleCgroups(parent string) error {
	if parent == "" {
		parent = DefaultCgroupParent
	}
	h, err := hostHierarchy()
	if err != nil {
		return err
	}
	var dirs []string
	if h.version == 2 {
		dirs = []string{h.v2}
	} else {
		for _, c := range append(v1Controllers, "cpu") {
			if m := h.v1[c]; m != "" {
				dirs = append(dirs, m)
			}
		}
	}
	var errs []error
	for _, d := range dirs {
		ents, err := os.ReadDir(filepath.Join(d, parent))
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		for _, ent := range ents {
			if ent.IsDir() {
				_ = os.Remove(filepath.Join(d, parent, ent.Name())) // fails while in use
			}
		}
	}
	return errors.Join(errs...)
}
