import { describe, expect, it } from 'vitest'
import { MemoryRoomStore } from '../../server/rooms/memory-store'
import { exportChunks, messagePages } from '../../server/rooms/conversation/room-export'

async function roomWith(count: number, historyLimit = 500) {
  const store = new MemoryRoomStore(historyLimit)
  await store.ensureRoom({ id: 'r', passwordHash: null, createdAt: 1, title: 'Plans *and* #things', visibility: 'unlisted', ownerId: 'a' }, 10)
  await store.addMember({ id: 'a', roomId: 'r', name: 'Ada', tokenHash: 'h', joinedAt: 1, lastSeenAt: 1 }, 10)
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

  it('Markdown marks a thread: the root says how many replies it has, each reply is quoted under a line naming its root, a reply\'s lines all quoted', async () => {
    const store = await roomWith(2)
    await store.addMember({ id: 'b', roomId: 'r', name: 'Bob', tokenHash: 'hb', joinedAt: 1, lastSeenAt: 1 }, 10)
    await store.appendMessage({ type: 'chat', id: 't1', roomId: 'r', from: { id: 'b', name: 'Bob' }, text: 'first line\nsecond line', at: 3000, threadId: 'm1' })
    await store.appendMessage({ type: 'chat', id: 't2', roomId: 'r', from: { id: 'a', name: 'Ada' }, text: 'agreed', at: 4000, threadId: 'm1' })
    const md = (await collect(exportChunks(store, { id: 'r', title: 'Plans' }, 'md', 'https://chat.example', 0))).join('')
    expect(md).toContain('**Ada** · 1970-01-01T00:00:01.000Z · thread: 2 replies\n\nmessage 1\n\n---')
    expect(md).toContain('**Ada** · 1970-01-01T00:00:02.000Z\n\nmessage 2\n\n---')
    expect(md).toContain('> ↳ reply in the thread of **Ada** · 1970-01-01T00:00:01.000Z\n>\n> **Bob** · 1970-01-01T00:00:03.000Z\n>\n> first line\n> second line\n\n---')
    expect(md).toContain('> **Ada** · 1970-01-01T00:00:04.000Z\n>\n> agreed\n\n---')
    const json = JSON.parse((await collect(exportChunks(store, { id: 'r', title: 'Plans' }, 'json', 'https://chat.example', 0))).join('')) as { messages: Array<{ id: string, threadId?: string, thread?: object }> }
    expect(json.messages.map(message => [message.id, message.threadId])).toEqual([['m1', undefined], ['m2', undefined], ['t1', 'm1'], ['t2', 'm1']])
    expect(json.messages[0]!.thread).toEqual({ replyCount: 2, lastReplyAt: '1970-01-01T00:00:04.000Z' })
  })
})
