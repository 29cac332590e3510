//go:build linux && (mips || mipsle)

package sandbox

import "syscall"

const (
	sysSetns        = syscall.SYS_SETNS
	sysMountSetattr = 4442
)
