import fs from 'node:fs';

/** Whether this process may open `path` (for writing too when `write`) without the helper: access(2), never an open. */
export function mayOpen(path: string, write = false): boolean {
  try {
    fs.accessSync(path, write ? fs.constants.R_OK | fs.constants.W_OK : fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
