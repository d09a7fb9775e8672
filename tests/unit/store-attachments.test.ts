import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileInfo } from '../../shared/protocol'
import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { RedisRoomStore } from '../../server/rooms/redis/redis-store'
import { SqliteRoomStore } from '../../server/rooms/sqlite/sqlite-store'
import type { RoomStore } from '../../server/rooms/types'
import { startRedis } from '../support/redis'
import type { RunningRedis } from '../support/redis'

// Each store keeps a message as JSON; the Redis store's scripts decode and
// re-encode it (cjson) on every reaction and edit. The files must come out
// as they went in, from every store, and leave with a delete.
const FILES: FileInfo[] = [
  { id: 'A'.repeat(22), name: '照片 (1).jpg', type: 'image/jpeg', size: 10_485_760, url: `/files/r.1/${'A'.repeat(22)}`, width: 4000, height: 3000, thumbUrl: `/files/r.1/${'A'.repeat(22)}.thumb` },
  { id: 'B'.repeat(22), name: 'voice.webm', type: 'audio/webm', size: 48_213, url: `/files/r.1/${'B'.repeat(22)}`, durationMs: 4200 },
]

let redis: RunningRedis
let dir: string
const opened: RoomStore[] = []

beforeAll(async () => {
  redis = await startRedis()
  dir = mkdtempSync(join(tmpdir(), 'hb-store-files-'))
})
afterAll(async () => {
  await Promise.all(opened.map(store => store.close()))
  await redis.kill()
  rmSync(dir, { recursive: true, force: true })
})

const stores: Array<[string, () => Promise<RoomStore>]> = [
  ['memory', async () => new MemoryRoomStore()],
  ['sqlite', async () => new SqliteRoomStore({ file: join(dir, 'rooms.db'), historyLimit: 500, emptyRoomRetentionMs: 0, log: () => {} })],
  ['redis', async () => {
    const store = new RedisRoomStore({ url: redis.url, historyLimit: 500, windowMs: 8000, emptyRoomGraceMs: 30_000, commandTimeoutMs: 1000, log: () => {} })
    await store.ready()
    return store
  }],
]

describe.each(stores)('%s store: messages with attachments', (_name, create) => {
  it('keep their files through history, a reaction and an edit; a delete drops them', async () => {
    const store = await create()
    opened.push(store)
    await store.ensureRoom({ id: 'r', passwordHash: null, createdAt: 1, title: 'r', visibility: 'unlisted', ownerId: 'm' }, 100)
    await store.addMember({ id: 'm', roomId: 'r', name: 'Ada', tokenHash: 'h', joinedAt: 1, lastSeenAt: 1, offline: false }, 100)
    const appended = await store.appendMessage({ type: 'chat', id: 'msg', roomId: 'r', from: { id: 'm', name: 'Ada' }, text: '', at: 1, attachments: FILES })
    expect(typeof appended === 'object' && 'message' in appended && appended.message.attachments).toEqual(FILES)
    expect((await store.recentMessages('r', 10))[0]!.attachments).toEqual(FILES)
    const reacted = await store.toggleReaction('r', 'msg', 'm', '👍')
    expect(typeof reacted === 'object' && reacted.attachments).toEqual(FILES)
    await store.editMessage('r', 'msg', 'm', 'a caption', 2)
    expect((await store.findMessage('r', 'msg'))!.attachments).toEqual(FILES)
    expect((await store.messagesBefore('r', 2, 10)).messages[0]!.attachments).toEqual(FILES)
    await store.deleteMessage('r', 'msg', 'm')
    expect((await store.findMessage('r', 'msg'))!.attachments).toBeUndefined()
  })
})
