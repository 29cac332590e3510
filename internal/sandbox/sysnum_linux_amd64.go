package sandbox

// Syscall numbers the syscall package lacks on this architecture.
const (
	sysSetns        = 308
	sysMountSetattr = 442
)
