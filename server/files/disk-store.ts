import { mkdir, open, readdir, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { BlobEntry, BlobMeta, BlobRange, BlobStore, StoredBlob } from './blob-store'

const META_SUFFIX = '.meta.json'

/**
 * Files under one folder (NUXT_DATA_DIR/files): `<roomKey>/<fileKey>` and a
 * small JSON beside each for its type and name. Staged uploads live in the
 * same folder (`.staging`), so putting one in is a rename, not a copy.
 * Several instances may share the folder (NFS, a shared volume): a rename is
 * atomic, and the exactly-once check lives in the upload ledger, not here.
 */
export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk'

  constructor(readonly root: string) {}

  async put(key: string, sourcePath: string, meta?: BlobMeta): Promise<void> {
    const path = this.path(key)
    await mkdir(dirname(path), { recursive: true })
    if (meta) await writeFile(path + META_SUFFIX, JSON.stringify(meta))
    await rename(sourcePath, path)
  }

  async mark(key: string): Promise<void> {
    const path = this.path(key)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, '')
  }

  async head(key: string): Promise<{ size: number, meta: BlobMeta } | undefined> {
    const path = this.path(key)
    try {
      const meta = JSON.parse(await readFile(path + META_SUFFIX, 'utf8')) as BlobMeta
      return { size: (await stat(path)).size, meta }
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  }

  async get(key: string, range?: BlobRange): Promise<StoredBlob | undefined> {
    const path = this.path(key)
    const found = await this.head(key)
    if (!found) return undefined
    const { size, meta } = found
    // Opened before answering, so a file removed meanwhile is a 404, not a broken stream.
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    if (!handle) return undefined
    const body = handle.createReadStream(range ? { start: range.start, end: range.end } : {})
    return { body, size, meta }
  }

  async* list(roomKey?: string): AsyncIterable<BlobEntry> {
    const rooms = roomKey === undefined ? await readdir(this.root).catch(() => [] as string[]) : [roomKey]
    for (const room of rooms) {
      if (room.startsWith('.')) continue
      for (const name of await readdir(join(this.root, room)).catch(() => [] as string[])) {
        if (name.endsWith(META_SUFFIX)) continue
        const info = await stat(join(this.root, room, name)).catch(() => undefined)
        if (info) yield { key: `${room}/${name}`, size: info.size, modifiedAt: info.mtimeMs }
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    const rooms = new Set<string>()
    for (const key of keys) {
      const path = this.path(key)
      await unlink(path).catch(ignoreMissing)
      await unlink(path + META_SUFFIX).catch(ignoreMissing)
      rooms.add(dirname(path))
    }
    // An emptied room folder goes too; one that is not empty stays (rmdir refuses it).
    for (const folder of rooms) await rmdir(folder).catch(() => {})
  }

  /** Where staged uploads are written before they are judged. */
  stagingFolder(): string {
    return join(this.root, '.staging')
  }

  private path(key: string): string {
    return join(this.root, ...key.split('/'))
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error
}
