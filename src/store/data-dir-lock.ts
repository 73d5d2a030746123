import fs from 'node:fs';
import path from 'node:path';

/*
 * The embedded store belongs to one process: nedb keeps every collection in memory and rewrites its
 * file on load and compaction, so a second process opening the same directory would replace the files
 * under the first one, whose later writes then land in an unlinked file and are lost at the next crash.
 * A lock file holding the owner's pid refuses that second process before it loads anything.
 */

const LOCK_FILE = '.guandian.lock';

export class DataDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `DATA_DIR ${dir} is in use by process ${pid}: the embedded store belongs to one process (run one ROLE=all ` +
        `instance per DATA_DIR, or MongoDB to run several). If no such process runs, delete ${path.join(dir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirInUseError';
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/**
 * A process killed with SIGKILL stays a zombie until its parent reaps it, and signal 0 still reaches a
 * zombie: a restart right after `kill -9` (before the supervisor's wait) was refused as "in use". Linux
 * says so in /proc/<pid>/stat (state Z, or X once dead); elsewhere, or when it cannot be read, it runs.
 */
function zombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/**
 * Takes the directory's lock for this process and returns its release. A lock left by a process that
 * no longer runs (killed, crashed) is taken over; so is one naming this very pid, which is what a
 * container restart looks like when the service runs as pid 1 again.
 */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // only our own lock: a takeover after we were presumed dead must not be undone
        if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readPid(file);
    if (owner !== null && owner !== process.pid && running(owner)) throw new DataDirInUseError(dir, owner);
    // stale (or unreadable, half-written by a process killed mid-write): remove it and race again for
    // the exclusive create, so two starting processes cannot both win
    fs.rmSync(file, { force: true });
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
