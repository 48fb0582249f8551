import fs from 'node:fs';

/** What says whether a file changed: its size, its modification time to the nanosecond, and which file it is. */
export type FileState = { size: bigint; mtimeNs: bigint; ino: bigint; dev: bigint };

/** A file's state now; undefined when it is gone. Other errors (no permission) are thrown. */
export function readFileState(filePath: string): FileState | undefined {
  try {
    const stat = fs.statSync(filePath, { bigint: true });
    return { size: stat.size, mtimeNs: stat.mtimeNs, ino: stat.ino, dev: stat.dev };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when both states describe the same file with the same content as far as its metadata can tell. */
export function isSameFileState(left: FileState | undefined, right: FileState | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  return left.size === right.size && left.mtimeNs === right.mtimeNs && left.ino === right.ino && left.dev === right.dev;
}

/** How a file changed, in words: "it grew from 1,200 to 2,400 bytes". */
export function describeChange(before: FileState, after: FileState | undefined): string {
  if (after === undefined) return 'it was moved or deleted';
  if (after.ino !== before.ino || after.dev !== before.dev) return 'it was replaced by another file of the same name';
  const bytes = (size: bigint): string => `${size.toLocaleString('en-US')} bytes`;
  if (after.size > before.size) return `it grew from ${bytes(before.size)} to ${bytes(after.size)}`;
  if (after.size < before.size) return `it shrank from ${bytes(before.size)} to ${bytes(after.size)}`;
  return 'it was written to again';
}
