// Package sandbox runs one Lambda execution environment — a language
// runtime's bootstrap process and everything it spawns — as an isolated
// process tree on Linux.
//
// # Use
//
//	env, err := sandbox.Start(ctx, sandbox.Spec{
//		ID:          envID,                     // unique; names the cgroup gureum/<ID>
//		Path:        "/var/lang/bin/node",
//		Args:        []string{"/var/runtime/index.mjs"},
//		Env:         lambdaEnv,                 // the complete environment
//		UID:         20001, GID: 20001,         // distinct per environment
//		CodeDir:     "/data/code/<sha>",        // -> /var/task (read-only)
//		RuntimeDirs: []sandbox.Mount{{Source: "/usr/local/node20", Target: "/var/lang"}},
//		MemoryMB:    128, TmpMB: 512,
//		Network:     true,
//		Stdout:      logs, Stderr: logs,
//	})
//	if err != nil { ... }
//	defer env.Close()
//	<-env.Done()
//	x := env.ExitStatus() // x.String() == "signal: killed", x.OOMKilled
//
// A Pool (NewPool, Pool.Start) keeps sandbox inits started ahead of need and
// makes a start several milliseconds faster; Start alone is simpler.
//
// # How it works
//
// Start re-executes the running binary (/proc/self/exe) with argv[0]
// "gureum-sandbox-init", in new namespaces. This package's init function
// recognises that argv[0] and runs the sandbox init instead of the program,
// before main: a program that links this package (any caller of Start)
// needs no call in main or TestMain. The init is PID 1 of the new PID
// namespace. It reads its config from a pipe — by then the host has put it
// into its cgroup (on cgroup v2 it is cloned straight into it) — mounts the
// root file system the host planned, pivots into it, starts the runtime as a
// non-root user, drops its own privileges, forwards signals and reaps
// orphans until the runtime exits, then exits itself, which makes the
// kernel kill whatever is left in the namespace.
//
// # Isolation model
//
// Each environment gets:
//
//   - A new PID namespace. The init is PID 1 and the runtime its child (a low
//     PID: the init's threads take the first few); host processes and other
//     environments are invisible, /proc shows only the
//     environment's own tree. When the init dies the kernel kills every process
//     in the namespace, which is how Kill takes down the whole tree atomically
//     (a fork bomb included).
//   - A new mount namespace whose root is a small read-only tmpfs holding
//     read-only, nosuid, nodev bind mounts of the host's /usr (and /bin, /lib,
//     /lib64, /sbin or their usr-merge symlinks); a minimal /etc (generated
//     passwd, group, hosts and hostname; a fixed list of host entries needed by
//     runtimes: TLS certificates, alternatives, the dynamic linker cache,
//     resolver, time zone, java/python configuration directories); a fresh
//     /proc for the PID namespace; a minimal /dev (null, zero, full, random,
//     urandom, tty, fd, stdin/out/err and a small /dev/shm); the function's code
//     at /var/task and layers at /opt, both read-only; the runtime installs from
//     RuntimeDirs; and a private tmpfs at /tmp of TmpMB. Propagation is private
//     and the host root is unmounted after pivot_root, so nothing else of the
//     host — /root, /home, the data directory, other environments' code and /tmp
//     — is reachable, and nothing mounted inside is visible on the host.
//   - New IPC and UTS namespaces (own System V IPC objects, own host name).
//   - A new network namespace with only a loopback interface when
//     Spec.Network is false; Env.Listen opens sockets inside it, so the
//     platform can serve the Runtime API on the environment's own 127.0.0.1.
//   - A non-root uid and gid (no supplementary groups), no capabilities and
//     PR_SET_NO_NEW_PRIVS, so setuid binaries and file capabilities grant
//     nothing. The init drops to the same ids (and becomes non-dumpable) once
//     it has started the runtime.
//   - Its own cgroup gureum/<ID> — cgroup v2 when the unified hierarchy has
//     the memory and pids controllers, otherwise the v1 memory, pids, freezer
//     (and cpu) hierarchies — with a hard memory limit (swap disabled where the
//     kernel accounts it), a pids limit, an optional CPU quota and a freezer.
//     The process joins its cgroup before any code of the function runs.
//
// # What is not isolated
//
//   - With Network true the environment shares the host's network namespace:
//     it can reach every service listening on the host (127.0.0.1 included),
//     abstract Unix sockets of the host and of other such environments, and
//     the whole network the host can reach. Anything that must stay private to
//     one environment must check the peer: PeerUID tells its uid.
//   - The kernel is shared: this is namespace isolation, not a virtual machine.
//     There is no seccomp filter; a kernel bug reachable from an unprivileged
//     process breaks the isolation.
//   - The host's /usr and the listed /etc entries are readable (not writable)
//     by every function, as on any multi-user host. /proc/self/mountinfo shows
//     the host paths the bind mounts come from (names only, nothing behind
//     them).
//   - /tmp and /dev/shm are tmpfs: their contents are memory and count
//     towards MemoryMB.
//   - No user namespace: the ids are host ids. Give each environment a uid no
//     host account uses, or files it creates elsewhere would be that account's.
//   - The host's resource limits (rlimits) are inherited; CPU time, disk and
//     network I/O are not limited (only an optional CPU quota).
//   - /sys and the cgroup file system are not mounted, so runtimes cannot read
//     their memory limit from the cgroup; pass heap sizes explicitly
//     (--max-old-space-size, -Xmx) as Lambda's own bootstraps do.
//
// # Requirements
//
// Linux, running as root (CAP_SYS_ADMIN in the initial user namespace), with
// cgroup v2 (memory and pids controllers) or the v1 memory, pids and freezer
// controllers mounted. Check reports what this host supports; gureum doctor
// prints it. Kernel features used when present: mount_setattr (5.12; older
// kernels make only the top of a recursive bind read-only), clone into a
// cgroup (5.7), cgroup.kill (5.14), memory.peak (5.19) and its reset (6.12).
package sandbox
