//go:build !linux

package sandbox

import (
	"context"
	"net"
	"syscall"
)

// Env is a running execution environment. Sandboxes exist on Linux only.
type Env struct{}

// Pool keeps sandbox inits started ahead of need. Sandboxes exist on Linux
// only.
type Pool struct{}

// Check reports that sandboxing needs Linux.
func Check() (Capabilities, error) {
	return Capabilities{Problems: []string{"sandboxes need Linux"}}, ErrUnsupported
}

// Start fails: sandboxes need Linux.
func Start(ctx context.Context, s Spec) (*Env, error) { return nil, ErrUnsupported }

// NewPool fails: sandboxes need Linux.
func NewPool(size int) (*Pool, error) { return nil, ErrUnsupported }

// RemoveStaleCgroups does nothing: there are no cgroups.
func RemoveStaleCgroups(parent string) error { return nil }

func (p *Pool) Start(ctx context.Context, s Spec) (*Env, error) { return nil, ErrUnsupported }
func (p *Pool) Close() error                                    { return nil }

func (e *Env) ID() string                                           { return "" }
func (e *Env) Pid() int                                             { return 0 }
func (e *Env) Done() <-chan struct{}                                { return nil }
func (e *Env) ExitStatus() Exit                                     { return Exit{} }
func (e *Env) CgroupPaths() []string                                { return nil }
func (e *Env) Freeze() error                                        { return ErrUnsupported }
func (e *Env) Thaw() error                                          { return ErrUnsupported }
func (e *Env) MaxMemoryBytes() (int64, error)                       { return 0, ErrUnsupported }
func (e *Env) ResetMaxMemory() error                                { return ErrUnsupported }
func (e *Env) Signal(sig syscall.Signal) error                      { return ErrUnsupported }
func (e *Env) Kill() error                                          { return ErrUnsupported }
func (e *Env) Close() error                                         { return nil }
func (e *Env) Listen(network, address string) (net.Listener, error) { return nil, ErrUnsupported }

// PeerUID fails: sandboxes need Linux.
func PeerUID(c net.Conn) (int, error) { return 0, ErrUnsupported }
