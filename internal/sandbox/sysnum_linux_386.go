package sandbox

// Syscall numbers the syscall package lacks on this architecture.
const (
	sysSetns        = 346
	sysMountSetattr = 442
)
