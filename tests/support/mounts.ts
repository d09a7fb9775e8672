import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Real file systems that misbehave, for the disk-failure tests: a tmpfs that
// fills up, and a read-only bind mount. Both need root (the CI machine and
// scripts/setup.sh's fresh Debian run as root); elsewhere the tests say so.
function mount(args: string[]): void {
  try {
    execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  }
  catch (error) {
    throw new Error(`mount ${args.join(' ')} failed: these tests need root to mount a small tmpfs and a read-only bind mount.\n${String((error as { stderr?: Buffer }).stderr ?? error)}`)
  }
}

export interface Mounted {
  path: string
  unmount: () => void
}

function mounted(path: string): Mounted {
  return {
    path,
    unmount: () => {
      execFileSync('umount', [path])
      rmSync(path, { recursive: true, force: true })
    },
  }
}

/** A tmpfs of `sizeKiB`: a disk that fills up. */
export function mountSmallDisk(sizeKiB: number): Mounted {
  const path = mkdtempSync(join(tmpdir(), 'hb-small-disk-'))
  mount(['-t', 'tmpfs', '-o', `size=${sizeKiB}k`, 'tmpfs', path])
  return mounted(path)
}

/** `source` seen read-only at a new path; `makeWritable()` turns it writable in place. */
export function mountReadOnly(source: string): Mounted & { makeWritable: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'hb-read-only-'))
  mount(['--bind', source, path])
  mount(['-o', 'remount,ro,bind', path])
  return { ...mounted(path), makeWritable: () => mount(['-o', 'remount,rw,bind', path]) }
}
