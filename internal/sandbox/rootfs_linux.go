package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"
)

// Building the root file system, inside the init's new mount namespace,
// while it still sees the host's file system at /: the init executes the
// rootPlan made on the host (plan_linux.go), then adds what only it can
// create (/proc of its PID namespace, the tmpfs mounts).

// buildRoot assembles the sandbox's root under c.Root and pivots into it.
func buildRoot(c *initConfig) error {
	// Nothing mounted from here on may propagate back to the host.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	r := c.Root
	if err := syscall.Mount("tmpfs", r, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755,size=16m"); err != nil {
		return fmt.Errorf("mount root tmpfs: %w", err)
	}
	for _, d := range append(c.Plan.Dirs, "etc", "dev") {
		if err := os.MkdirAll(filepath.Join(r, d), 0o755); err != nil {
			return err
		}
	}
	for _, l := range c.Plan.Links {
		if err := os.Symlink(l.Target, filepath.Join(r, l.Path)); err != nil {
			return err
		}
	}
	for _, b := range c.Plan.Binds {
		if err := bind(b.Source, filepath.Join(r, b.Path), b.Dir, b.Attrs); err != nil {
			return err
		}
	}
	for _, f := range c.Plan.Files {
		if err := os.WriteFile(filepath.Join(r, f.Path), []byte(f.Content), 0o644); err != nil {
			return err
		}
	}
	if err := mkdirMount("proc", filepath.Join(r, "proc"), "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return err
	}
	if err := mkdirMount("tmpfs", filepath.Join(r, "dev/shm"), "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, fmt.Sprintf("mode=1777,size=%dm", c.ShmMB)); err != nil {
		return err
	}
	tmpOpts := fmt.Sprintf("mode=1777,size=%dm,uid=%d,gid=%d", c.TmpMB, c.UID, c.GID)
	if err := mkdirMount("tmpfs", filepath.Join(r, "tmp"), "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, tmpOpts); err != nil {
		return err
	}
	if err := syscall.Sethostname([]byte(c.Hostname)); err != nil {
		return fmt.Errorf("sethostname: %w", err)
	}
	if !c.Network {
		if err := loopbackUp(); err != nil {
			return err
		}
	}
	// pivot_root(".", ".") stacks the old root on the new one; unmounting
	// "." then detaches the whole host tree from this namespace.
	if err := syscall.Chdir(r); err != nil {
		return err
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detach host root: %w", err)
	}
	if err := syscall.Chdir("/"); err != nil {
		return err
	}
	const rootFlags = syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_RDONLY | syscall.MS_NOSUID | syscall.MS_NODEV
	if err := syscall.Mount("", "/", "", rootFlags, ""); err != nil {
		return fmt.Errorf("remount root read-only: %w", err)
	}
	return nil
}

func mkdirMount(source, target, fstype string, flags uintptr, data string) error {
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	if err := syscall.Mount(source, target, fstype, flags, data); err != nil {
		return fmt.Errorf("mount %s on %s: %w", fstype, target, err)
	}
	return nil
}

// bind creates the mount point dst (a directory if dir, else an empty file)
// and bind-mounts src there recursively with the given MOUNT_ATTR_* set.
func bind(src, dst string, dir bool, attrs uint64) error {
	var err error
	if dir {
		err = os.MkdirAll(dst, 0o755)
	} else if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
		var f *os.File
		if f, err = os.OpenFile(dst, os.O_WRONLY|os.O_CREATE, 0o644); err == nil {
			err = f.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("create mount point: %w", err)
	}
	if err := syscall.Mount(src, dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s on %s: %w", src, dst, err)
	}
	if err := setMountAttr(dst, attrs); err != nil {
		return fmt.Errorf("bind %s on %s: %w", src, dst, err)
	}
	return nil
}

// MOUNT_ATTR_* of mount_setattr(2).
const (
	mountAttrRdonly = 0x1
	mountAttrNosuid = 0x2
	mountAttrNodev  = 0x4
	mountAttrNoexec = 0x8
	atRecursive     = 0x8000
)

// setMountAttr sets attrs on the mount at path and every mount below it
// (mount_setattr, Linux 5.12). Older kernels get a remount of the top mount
// only, keeping the flags the bind inherited.
func setMountAttr(path string, attrs uint64) error {
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return err
	}
	attr := struct{ set, clr, propagation, userns uint64 }{set: attrs}
	_, _, e := syscall.Syscall6(sysMountSetattr, uintptr(atFDCWD), uintptr(unsafe.Pointer(p)), atRecursive, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if e == 0 {
		return nil
	}
	if e != syscall.ENOSYS {
		return fmt.Errorf("mount_setattr: %w", e)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return err
	}
	const keep = syscall.MS_NOEXEC | syscall.MS_NOATIME | syscall.MS_NODIRATIME | syscall.MS_RELATIME
	flags := uintptr(st.Flags)&keep | syscall.MS_BIND | syscall.MS_REMOUNT
	for bit, ms := range map[uint64]uintptr{mountAttrRdonly: syscall.MS_RDONLY, mountAttrNosuid: syscall.MS_NOSUID, mountAttrNodev: syscall.MS_NODEV, mountAttrNoexec: syscall.MS_NOEXEC} {
		if attrs&bit != 0 {
			flags |= ms
		}
	}
	if err := syscall.Mount("", path, "", flags, ""); err != nil {
		return fmt.Errorf("remount: %w", err)
	}
	return nil
}

var atFDCWD = -0x64 // AT_FDCWD (a variable: a negative constant cannot convert to uintptr)

// loopbackUp brings up lo in a new network namespace, where it starts down.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("bring up lo: %w", err)
	}
	defer syscall.Close(fd)
	var ifr struct {
		name  [syscall.IFNAMSIZ]byte
		flags uint16
		_     [22]byte
	}
	copy(ifr.name[:], "lo")
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&ifr))); e != 0 {
		return fmt.Errorf("bring up lo: %w", e)
	}
	ifr.flags |= syscall.IFF_UP | syscall.IFF_RUNNING
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr))); e != 0 {
		return fmt.Errorf("bring up lo: %w", e)
	}
	return nil
}
