/*
 * Every call that names a file, but the open family, made in a scratch directory and printed
 * one line each: what the call returned, its errno, and what it gave back (a file's type,
 * mode, size and links; a link's text), never anything that differs from one run to the next
 * (inode numbers, times but those it set). A test runs it natively and under the supervisor,
 * where each is performed by the supervisor, and compares the two outputs.
 *
 * Usage: pathcalls DIR. DIR must be empty but for `locked`, a directory the caller may not
 * write to, holding `private`, a file it may not read (when the caller is not root).
 */

#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	(1 << 0)
#define RENAME_EXCHANGE		(1 << 1)
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2		452
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat		463
#define SYS_getxattrat		464
#define SYS_listxattrat		465
#define SYS_removexattrat	466
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr	468
#define SYS_file_setattr	469
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2		439
#endif

static void
said(const char *what, long rc)
{
	printf("%-44s %ld %s\n", what, rc, rc == -1 ? strerrorname_np(errno) : "");
}

static void
stat_said(const char *what, int rc, const struct stat *st)
{
	said(what, rc);
	if (rc == 0)
		printf("  type %o mode %o size %lld links %lu uid %u\n", st->st_mode & S_IFMT,
		    st->st_mode & 07777, (long long)st->st_size, (unsigned long)st->st_nlink,
		    st->st_uid);
}

static void
link_said(const char *what, ssize_t n, const char *buf)
{
	said(what, n);
	if (n >= 0)
		printf("  text %.*s\n", (int)n, buf);
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	struct statx	 stx;
	struct statfs	 sfs;
	struct timeval	 tv[2] = { { 1000000000, 5 }, { 1100000000, 7 } };
	struct timespec	 ts[2] = { { 1200000000, 9 }, { 1300000000, 11 } };
	struct utimbuf	 ub = { 1400000000, 1500000000 };
	char		 buf[4096], exe[4096];
	int		 dir, fd;
	ssize_t		 n;

	if (argc != 2 || chdir(argv[1]) == -1) {
		fprintf(stderr, "usage: pathcalls DIR\n");
		return 2;
	}
	umask(027);
	if ((dir = open(".", O_RDONLY | O_DIRECTORY)) == -1)
		return 2;

	said("mkdir d 0777", mkdir("d", 0777));
	stat_said("stat d", stat("d", &st), &st);
	said("mkdir d again", mkdir("d", 0777));
	said("mkdirat dir d/e/ 0700", mkdirat(dir, "d/e/", 0700));
	said("mkdir missing/x", mkdir("missing/x", 0777));
	said("mknod d/fifo FIFO 0666", mknod("d/fifo", S_IFIFO | 0666, 0));
	stat_said("lstat d/fifo", lstat("d/fifo", &st), &st);
	said("mknodat dir d/chr CHR 1:3", mknodat(dir, "d/chr", S_IFCHR | 0666, makedev(1, 3)));
	if ((fd = open("d/f", O_WRONLY | O_CREAT | O_TRUNC, 0666)) == -1)
		return 2;
	said("write d/f", write(fd, "0123456789", 10));
	close(fd);
	said("symlink f d/l", symlink("f", "d/l"));
	said("symlink dangling d/dl", symlink("nowhere", "d/dl"));
	said("symlinkat d dir dl2", symlinkat("d", dir, "dl2"));
	stat_said("stat d/l (follows)", stat("d/l", &st), &st);
	stat_said("lstat d/l", lstat("d/l", &st), &st);
	stat_said("newfstatat dir d/l NOFOLLOW",
	    fstatat(dir, "d/l", &st, AT_SYMLINK_NOFOLLOW), &st);
	stat_said("stat d/dl (dangling)", stat("d/dl", &st), &st);
	stat_said("stat dl2/f (through a link)", stat("dl2/f", &st), &st);
	stat_said("stat d/f/ (not a directory)", stat("d/f/", &st), &st);
	said("statx d/f size", statx(AT_FDCWD, "d/f", 0, STATX_SIZE, &stx));
	printf("  size %llu mask-has-size %d\n", (unsigned long long)stx.stx_size,
	    (stx.stx_mask & STATX_SIZE) != 0);
	said("statx d/l NOFOLLOW", statx(dir, "d/l", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx));
	printf("  type %o\n", stx.stx_mode & S_IFMT);
	said("statx bad flags", statx(AT_FDCWD, "d/f", 0x6000, STATX_TYPE, &stx));
	said("statfs d", statfs("d", &sfs));
	printf("  same fs type as . %d\n", statfs(".", &sfs) == 0);
	said("stat to NULL", syscall(SYS_newfstatat, AT_FDCWD, "d/f", NULL, 0));
	link_said("readlink d/l", n = readlink("d/l", buf, sizeof(buf)), buf);
	link_said("readlink d/dl short", n = readlink("d/dl", buf, 3), buf);
	link_said("readlinkat dir dl2", n = readlinkat(dir, "dl2", buf, sizeof(buf)), buf);
	link_said("readlink d/f (no link)", n = readlink("d/f", buf, sizeof(buf)), buf);
	said("readlink d/l size 0", readlink("d/l", buf, 0));
	/* Missing names, and "..", which resolve.c finds without its walk: the kernel's errors. */
	stat_said("stat d/none", stat("d/none", &st), &st);
	stat_said("stat none/x", stat("none/x", &st), &st);
	stat_said("lstat d/none/", lstat("d/none/", &st), &st);
	stat_said("stat d/none/.", stat("d/none/.", &st), &st);
	said("statx d/none", statx(AT_FDCWD, "d/none", 0, STATX_TYPE, &stx));
	said("statx d/none reserved mask", statx(AT_FDCWD, "d/none", 0, 0x80000000U, &stx));
	said("statx d/none bad flags", statx(AT_FDCWD, "d/none", 0x6000, STATX_TYPE, &stx));
	said("access d/none F_OK", access("d/none", F_OK));
	said("access d/none bad mode", access("d/none", 0100));
	link_said("readlink d/none", n = readlink("d/none", buf, sizeof(buf)), buf);
	said("readlink d/none size 0", readlink("d/none", buf, 0));
	stat_said("stat d/e/../f", stat("d/e/../f", &st), &st);
	stat_said("stat dl2/e/../f (after a link)", stat("dl2/e/../f", &st), &st);
	stat_said("stat d/e/../none", stat("d/e/../none", &st), &st);
	stat_said("stat d/none/../f", stat("d/none/../f", &st), &st);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n < 0 ? 0 : n] = '\0';
	said("readlink /proc/self/exe is argv[0]'s",
	    n > 0 && strstr(exe, "pathcalls") != NULL ? 0 : -1);
	said("access d/f R_OK", access("d/f", R_OK));
	said("access d/f X_OK", access("d/f", X_OK));
	said("faccessat dir d/l W_OK", faccessat(dir, "d/l", W_OK, 0));
	said("faccessat2 d/dl NOFOLLOW", syscall(SYS_faccessat2, AT_FDCWD, "d/dl", F_OK,
	    AT_SYMLINK_NOFOLLOW));
	said("access locked/private R_OK", access("locked/private", R_OK));
	said("access locked/private EACCESS", syscall(SYS_faccessat2, AT_FDCWD,
	    "locked/private", R_OK, AT_EACCESS));
	said("chmod d/f 0604", chmod("d/f", 0604));
	said("chmod d/l 0640 (follows)", chmod("d/l", 0640));
	stat_said("stat d/f", stat("d/f", &st), &st);
	said("fchmodat2 d/l NOFOLLOW", syscall(SYS_fchmodat2, AT_FDCWD, "d/l", 0600,
	    AT_SYMLINK_NOFOLLOW));
	said("fchmodat2 bad flags", syscall(SYS_fchmodat2, AT_FDCWD, "d/f", 0600, 0x8));
	said("chown d/f -1 -1", chown("d/f", (uid_t)-1, (gid_t)-1));
	said("lchown d/l -1 -1", lchown("d/l", (uid_t)-1, (gid_t)-1));
	said("fchownat dir d/f 0 0", fchownat(dir, "d/f", 0, 0, 0));
	said("truncate d/l 4 (follows)", truncate("d/l", 4));
	stat_said("stat d/f", stat("d/f", &st), &st);
	said("truncate d -1", truncate("d", 4));
	said("utimes d/f", utimes("d/f", tv));
	stat_said("stat d/f", stat("d/f", &st), &st);
	printf("  times %lld.%09ld %lld.%09ld\n", (long long)st.st_atim.tv_sec,
	    st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	said("utimensat dir d/l NOFOLLOW", utimensat(dir, "d/l", ts, AT_SYMLINK_NOFOLLOW));
	fstatat(dir, "d/l", &st, AT_SYMLINK_NOFOLLOW);
	/* Not the link's atime: the supervisor reads links to resolve names (README). */
	printf("  mtime %lld.%09ld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	said("utime d/f", utime("d/f", &ub));
	stat("d/f", &st);
	printf("  times %lld %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
	/* On a descriptor: performed on a copy of it, decided by the file it names. */
	{
		struct timespec	 old[2] = { { 1600000000, 0 }, { 1600000000, 0 } };
		int		 rw, ro, path, other;

		rw = open("d/f", O_RDWR);
		ro = open("d/f", O_RDONLY);
		path = open("d/f", O_PATH);
		other = open("locked/public", O_RDONLY);
		said("fchmod d/f 0640", fchmod(rw, 0640));
		said("fchmod O_PATH", fchmod(path, 0600));
		said("fchmod 999 (not open)", fchmod(999, 0600));
		said("fchmod locked/public (root's)", fchmod(other, 0644));
		said("fchown d/f -1 -1", fchown(rw, (uid_t)-1, (gid_t)-1));
		said("fchown d/f 0 0", fchown(ro, 0, 0));
		said("ftruncate d/f 6", ftruncate(rw, 6));
		said("ftruncate read-only", ftruncate(ro, 2));
		said("fallocate d/f 0 30", fallocate(rw, 0, 0, 30));
		said("fallocate read-only", fallocate(ro, 0, 0, 40));
		said("fsetxattr d/f user.fd", fsetxattr(rw, "user.fd", "fdv", 3, 0));
		memset(buf, 0, sizeof(buf));
		said("fgetxattr d/f user.fd", fgetxattr(ro, "user.fd", buf, sizeof(buf)));
		printf("  value %s\n", buf);
		said("fgetxattr missing name", fgetxattr(ro, "user.none", buf, sizeof(buf)));
		said("fgetxattr O_PATH", fgetxattr(path, "user.fd", buf, sizeof(buf)));
		n = flistxattr(ro, buf, sizeof(buf));
		said("flistxattr d/f has user.fd", n > 0 && memmem(buf, (size_t)n, "user.fd", 8) ? 0 : -1);
		said("fremovexattr d/f user.fd", fremovexattr(rw, "user.fd"));
		said("fremovexattr again", fremovexattr(rw, "user.fd"));
		said("futimens d/f", futimens(ro, old));
		said("futimens locked/public (root's)", futimens(other, old));
		said("utimensat fd NULL NOFOLLOW", syscall(SYS_utimensat, ro, NULL, old,
		    AT_SYMLINK_NOFOLLOW));
		said("utimensat AT_FDCWD NULL", syscall(SYS_utimensat, AT_FDCWD, NULL, old, 0));
		stat_said("fstat d/f", fstat(ro, &st), &st);
		printf("  mtime %lld\n", (long long)st.st_mtim.tv_sec);
		close(rw);
		close(ro);
		close(path);
		close(other);
	}
	said("setxattr d/l user.tag (follows)", setxattr("d/l", "user.tag", "value", 5, 0));
	said("setxattr CREATE again", setxattr("d/f", "user.tag", "v", 1, XATTR_CREATE));
	said("setxattr bad flags", setxattr("d/f", "user.tag", "v", 1, 0x10));
	said("lsetxattr d/l (a link)", lsetxattr("d/l", "user.tag", "v", 1, 0));
	said("getxattr d/f size 0", getxattr("d/f", "user.tag", NULL, 0));
	memset(buf, 0, sizeof(buf));
	said("getxattr d/f", getxattr("d/f", "user.tag", buf, sizeof(buf)));
	printf("  value %s\n", buf);
	said("getxattr d/f too small", getxattr("d/f", "user.tag", buf, 2));
	said("lgetxattr d/l", lgetxattr("d/l", "user.tag", buf, sizeof(buf)));
	said("getxattr missing name", getxattr("d/f", "user.none", buf, sizeof(buf)));
	said("getxattr to NULL", syscall(SYS_getxattr, "d/f", "user.tag", NULL, 16));
	n = listxattr("d/f", buf, sizeof(buf));
	said("listxattr d/f has user.tag", n > 0 && memmem(buf, (size_t)n, "user.tag", 9) ? 0 : -1);
	said("llistxattr d/l", llistxattr("d/l", buf, sizeof(buf)));
	said("removexattr d/f", removexattr("d/f", "user.tag"));
	said("removexattr again", removexattr("d/f", "user.tag"));
	said("lremovexattr d/l", lremovexattr("d/l", "user.tag"));
	said("setxattr locked/private", setxattr("locked/private", "user.x", "v", 1, 0));
	/* Needs CAP_SYS_ADMIN: the caller's, never the supervisor's. */
	said("setxattr d/f trusted.tag", setxattr("d/f", "trusted.tag", "v", 1, 0));
	said("getxattr d/f trusted.tag", getxattr("d/f", "trusted.tag", buf, sizeof(buf)));
	said("lremovexattr d/f trusted.tag", lremovexattr("d/f", "trusted.tag"));
	{
		struct { uint64_t value; uint32_t size, flags; } xa = { (uintptr_t)"at", 2, 0 };
		struct { uint32_t bytes; int32_t type; unsigned char h[128]; } fh;
		uint32_t	 fattr[8];
		uint64_t	 mnt;
		int		 in, fan;

		said("setxattrat d/l user.at (follows)", syscall(SYS_setxattrat, dir, "d/l", 0,
		    "user.at", &xa, sizeof(xa)));
		xa.value = (uintptr_t)buf;
		xa.size = sizeof(buf);
		memset(buf, 0, sizeof(buf));
		said("getxattrat d/f user.at", syscall(SYS_getxattrat, AT_FDCWD, "d/f", 0,
		    "user.at", &xa, sizeof(xa)));
		printf("  value %s\n", buf);
		said("getxattrat d/l NOFOLLOW", syscall(SYS_getxattrat, AT_FDCWD, "d/l",
		    AT_SYMLINK_NOFOLLOW, "user.at", &xa, sizeof(xa)));
		said("getxattrat bad size", syscall(SYS_getxattrat, AT_FDCWD, "d/f", 0, "user.at",
		    &xa, 8));
		said("getxattrat bad flags", syscall(SYS_getxattrat, AT_FDCWD, "d/f", 0x1,
		    "user.at", &xa, sizeof(xa)));
		n = syscall(SYS_listxattrat, AT_FDCWD, "d/f", 0, buf, sizeof(buf));
		said("listxattrat d/f has user.at",
		    n > 0 && memmem(buf, (size_t)n, "user.at", 8) ? 0 : -1);
		said("removexattrat d/f user.at", syscall(SYS_removexattrat, AT_FDCWD, "d/f", 0,
		    "user.at"));
		said("removexattrat again", syscall(SYS_removexattrat, AT_FDCWD, "d/f", 0,
		    "user.at"));
		memset(fattr, 0, sizeof(fattr));
		said("file_getattr d/f", syscall(SYS_file_getattr, AT_FDCWD, "d/f", fattr, 24, 0));
		printf("  xflags %x\n", fattr[0]);
		said("file_getattr bad size", syscall(SYS_file_getattr, AT_FDCWD, "d/f", fattr, 4,
		    0));
		said("file_setattr d/f", syscall(SYS_file_setattr, AT_FDCWD, "d/f", fattr, 24, 0));
		in = inotify_init1(IN_CLOEXEC);
		said("inotify_add_watch d/l (follows)", inotify_add_watch(in, "d/l", IN_MODIFY));
		said("inotify_add_watch d/f (the same)", inotify_add_watch(in, "d/f", IN_ATTRIB));
		said("inotify_add_watch d/l DONT_FOLLOW", inotify_add_watch(in, "d/l",
		    IN_MODIFY | IN_DONT_FOLLOW));
		said("inotify_add_watch missing", inotify_add_watch(in, "d/none", IN_MODIFY));
		said("inotify_add_watch locked/private", inotify_add_watch(in, "locked/private",
		    IN_MODIFY));
		close(in);
		fh.bytes = sizeof(fh.h);
		said("name_to_handle_at d/l FOLLOW", syscall(SYS_name_to_handle_at, dir, "d/l",
		    &fh, &mnt, AT_SYMLINK_FOLLOW));
		printf("  bytes %u\n", fh.bytes);
		fh.bytes = 0;
		said("name_to_handle_at too small", syscall(SYS_name_to_handle_at, AT_FDCWD, "d/f",
		    &fh, &mnt, 0));
		printf("  bytes %u\n", fh.bytes);
		fan = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_FID, O_RDONLY);
		said("fanotify_init", fan >= 0 ? 0 : -1);
		if (fan >= 0) {
			said("fanotify_mark d/l (follows)", fanotify_mark(fan, FAN_MARK_ADD,
			    FAN_MODIFY, AT_FDCWD, "d/l"));
			said("fanotify_mark missing", fanotify_mark(fan, FAN_MARK_ADD, FAN_MODIFY,
			    dir, "d/none"));
			close(fan);
		}
	}
	said("utimes bad usec", syscall(SYS_utimes, "d/f",
	    (struct timeval[2]){ { 1, 1000000 }, { 1, 0 } }));
	said("link d/f d/hard", link("d/f", "d/hard"));
	stat_said("stat d/hard", stat("d/hard", &st), &st);
	said("link d/l d/hardl (the link itself)", link("d/l", "d/hardl"));
	stat_said("lstat d/hardl", lstat("d/hardl", &st), &st);
	said("linkat d/l d/hardf FOLLOW", linkat(dir, "d/l", dir, "d/hardf", AT_SYMLINK_FOLLOW));
	stat_said("lstat d/hardf", lstat("d/hardf", &st), &st);
	said("link d/f d/hard (exists)", link("d/f", "d/hard"));
	if ((fd = open("d", O_TMPFILE | O_WRONLY, 0600)) >= 0) {
		said("linkat tmpfile AT_EMPTY_PATH", linkat(fd, "", dir, "d/tmp", AT_EMPTY_PATH));
		close(fd);
		stat_said("stat d/tmp", stat("d/tmp", &st), &st);
	}
	said("rename d/hard d/moved", rename("d/hard", "d/moved"));
	said("rename d/moved d/e (dir)", rename("d/moved", "d/e"));
	said("renameat2 NOREPLACE onto d/f", syscall(SYS_renameat2, dir, "d/moved", dir, "d/f",
	    RENAME_NOREPLACE));
	said("renameat2 EXCHANGE d/moved d/l", syscall(SYS_renameat2, AT_FDCWD, "d/moved",
	    AT_FDCWD, "d/l", RENAME_EXCHANGE));
	stat_said("lstat d/moved", lstat("d/moved", &st), &st);
	said("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "d/moved", AT_FDCWD,
	    "d/x", 0x40));
	said("rename into locked", rename("d/f", "locked/f"));
	said("unlink locked/private", unlink("locked/private"));
	said("unlink d/e (dir)", unlink("d/e"));
	said("rmdir d (not empty)", rmdir("d"));
	said("rmdir d/e/.", rmdir("d/e/."));
	said("rmdir d/e/..", rmdir("d/e/.."));
	said("rename d/e/. d/x", rename("d/e/.", "d/x"));
	said("rmdir d/f (no dir)", rmdir("d/f"));
	said("unlinkat dir d/e REMOVEDIR", unlinkat(dir, "d/e", AT_REMOVEDIR));
	said("unlinkat bad flags", unlinkat(dir, "d/f", 0x1));
	said("unlink d/l", unlink("d/l"));
	said("unlink d/l again", unlink("d/l"));
	said("unlink missing/x", unlink("missing/x"));
	said("mkdir locked/x", mkdir("locked/x", 0777));
	said("symlink into locked", symlink("x", "locked/l"));
	said("chmod locked/private 0777", chmod("locked/private", 0777));
	said("truncate locked/private 0", truncate("locked/private", 0));
	stat_said("stat locked/private", stat("locked/private", &st), &st);
	return 0;
}
