//go:build linux && (mips64 || mips64le)

package sandbox

import "syscall"

const (
	sysSetns        = syscall.SYS_SETNS
	sysMountSetattr = 5442
)
