import { describe, expect, it } from 'vitest'
import type { FileInfo } from '../../shared/protocol'
import type { UploadLedger } from '../../server/files/upload-ledger'

/** What every upload ledger must do: the memory one here, the Redis one against a real redis-server. */
export function pending(id: string, memberId = 'm1', roomId = 'r', bytes = 100) {
  const info: FileInfo = { id, name: `${id}.txt`, type: 'text/plain', size: bytes, url: `/files/r.1/${id}` }
  return { roomId, roomKey: `${roomId}.1`, memberId, info, bytes }
}

export function describeUploadLedger(name: string, create: () => Promise<UploadLedger>) {
  describe(`${name}: the UploadLedger contract`, () => {
    it('hands files out once, all or none, to their uploader in their room', async () => {
      const ledger = await create()
      await ledger.add(pending('a'), 1000, 60_000)
      await ledger.add(pending('b'), 1000, 60_000)
      expect(await ledger.claim('r', 'm2', ['a'], undefined)).toBeUndefined()
      expect(await ledger.claim('other', 'm1', ['a'], undefined)).toBeUndefined()
      expect(await ledger.claim('r', 'm1', ['a', 'nope'], undefined)).toBeUndefined()
      expect((await ledger.claim('r', 'm1', ['a', 'b'], undefined))?.map(file => file.id)).toEqual(['a', 'b'])
      expect(await ledger.claim('r', 'm1', ['a'], undefined)).toBeUndefined()
    })

    it('a resend with the same clientId gets the files again; another message does not', async () => {
      const ledger = await create()
      await ledger.add(pending('a'), 1000, 60_000)
      expect(await ledger.claim('r', 'm1', ['a'], 'c1')).toHaveLength(1)
      expect(await ledger.claim('r', 'm1', ['a'], 'c1')).toHaveLength(1)
      expect(await ledger.claim('r', 'm1', ['a'], 'c2')).toBeUndefined()
      expect(await ledger.claim('r', 'm1', ['a'], undefined)).toBeUndefined()
    })

    it('counts a room life\'s bytes against its quota; released bytes count no more', async () => {
      const ledger = await create()
      expect(await ledger.add(pending('a', 'm1', 'r', 600), 1000, 60_000)).toBe(true)
      expect(await ledger.add(pending('b', 'm1', 'r', 600), 1000, 60_000)).toBe(false)
      expect(await ledger.usedBytes('r.1')).toBe(600)
      await ledger.release('r.1', 600)
      expect(await ledger.add(pending('b', 'm1', 'r', 600), 1000, 60_000)).toBe(true)
    })

    it('a room life without a count is seeded once from what storage holds; a count it has is never replaced', async () => {
      const ledger = await create()
      expect(await ledger.usedBytes('s.1')).toBeUndefined()
      await ledger.seed('s.1', 900)
      await ledger.seed('s.1', 0)
      expect(await ledger.usedBytes('s.1')).toBe(900)
      expect(await ledger.add(pending('c', 'm1', 's', 200), 1000, 60_000)).toBe(false)
      expect(await ledger.add(pending('c', 'm1', 's', 100), 1000, 60_000)).toBe(true)
      await ledger.seed('s.1', 0)
      expect(await ledger.usedBytes('s.1')).toBe(1000)
    })
  })
}
