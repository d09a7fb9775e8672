import { describe, expect, it } from 'vitest'
import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { exportChunks, messagePages } from '../../server/rooms/conversation/room-export'

async function roomWith(count: number, historyLimit = 500) {
  const store = new MemoryRoomStore(historyLimit)
  await store.ensureRoom({ id: 'r', passwordHash: null, createdAt: 1, title: 'Plans *and* #things', visibility: 'unlisted', ownerId: 'a' }, 10)
  await store.addMember({ id: 'a', roomId: 'r', name: 'Ada', tokenHash: 'h', joinedAt: 1, lastSeenAt: 1, offline: false }, 10)
  for (let i = 1; i <= count; i++) await store.appendMessage({ type: 'chat', id: `m${i}`, roomId: 'r', from: { id: 'a', name: 'Ada' }, text: `message ${i}`, at: i * 1000 })
  return store
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const item of items) all.push(item)
  return all
}

describe('the room export', () => {
  it('reads the held history oldest first, a page at a time, from the oldest message still held', async () => {
    const store = await roomWith(130, 100)
    const pages = await collect(messagePages(store, 'r', 40))
    expect(pages.map(page => page.length)).toEqual([40, 40, 20])
    expect(pages.flat().map(message => message.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 31))
    expect(await collect(messagePages(await roomWith(0), 'r'))).toEqual([])
  })

  it('JSON is one document with every message, files by their absolute URLs, tombstones without their words', async () => {
    const store = await roomWith(3)
    await store.appendMessage({ type: 'chat', id: 'f', roomId: 'r', from: { id: 'a', name: 'Ada' }, text: '', at: 5000, attachments: [{ id: 'f1', name: 'cat.png', type: 'image/png', size: 9, url: '/files/f1-secret' }] })
    await store.deleteMessage('r', 'm2', 'a')
    const text = (await collect(exportChunks(store, { id: 'r', title: 'Plans' }, 'json', 'https://chat.example', 0))).join('')
    const parsed = JSON.parse(text) as { roomId: string, exportedAt: string, messages: Array<{ text: string, deleted?: true, attachments?: Array<{ url: string }> }> }
    expect(parsed.roomId).toBe('r')
    expect(parsed.exportedAt).toBe('1970-01-01T00:00:00.000Z')
    expect(parsed.messages.map(message => message.text)).toEqual(['message 1', '', 'message 3', ''])
    expect(parsed.messages[1]!.deleted).toBe(true)
    expect(parsed.messages[3]!.attachments).toEqual([{ name: 'cat.png', type: 'image/png', size: 9, url: 'https://chat.example/files/f1-secret' }])
  })

  it('Markdown holds each message under its author and time, names escaped, text as written', async () => {
    const store = await roomWith(2)
    const text = (await collect(exportChunks(store, { id: 'r', title: 'Plans *and* #things' }, 'md', 'https://chat.example', 0))).join('')
    expect(text.startsWith('# Plans \\*and\\* \\#things\n')).toBe(true)
    expect(text).toContain('**Ada** · 1970-01-01T00:00:01.000Z\n\nmessage 1\n\n---')
    expect(text).toContain('**Ada** · 1970-01-01T00:00:02.000Z\n\nmessage 2\n\n---')
  })
})
