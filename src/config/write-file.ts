import { closeSync, chmodSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that readers see the old or the new content, never half of it: a temporary
 * file in the same folder, fsync, rename. The file is created with `mode` (0600 by default:
 * config files may hold secrets).
 */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const descriptor = openSync(temporary, 'wx', mode);
  try {
    writeSync(descriptor, content);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  // openSync's mode is filtered by the umask; make sure the final file is exactly `mode`.
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}
