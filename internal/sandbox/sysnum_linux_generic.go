//go:build linux && !amd64 && !386 && !mips && !mipsle && !mips64 && !mips64le

package sandbox

import "syscall"

const (
	sysSetns        = syscall.SYS_SETNS
	sysMountSetattr = 442 // the unified number of syscalls added since Linux 5.1
)
