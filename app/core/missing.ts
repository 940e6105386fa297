// Whether a failed file system call says there is nothing at the name: ENOENT, or ENOTDIR (a
// component on the way is not a folder). Anything else (EACCES, EIO) is not an absence.

export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
