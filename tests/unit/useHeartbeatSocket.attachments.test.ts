// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { FileInfo } from '../../shared/protocol'
import { outboxStore } from '../../utils/outbox'
import { FakeWebSocket } from './fake-websocket'
import { acceptJoin, memoryStorage, mountHeartbeatSocket, ownChat, pendingEntries, setupHeartbeatSocketTests } from './heartbeat-socket-harness'

setupHeartbeatSocketTests()

const photo: FileInfo = { id: 'file-1', name: 'cat.png', type: 'image/png', size: 1000, url: '/files/x/cat.png', width: 40, height: 30 }

describe('sending files', () => {
  it('a message with files goes with their ids, may have no text, and shows them while pending', () => {
    const { chat } = mountHeartbeatSocket()
    const socket = acceptJoin()
    expect(chat.send('', undefined, [photo])).toBe(true)
    expect(chat.send('a caption', 'm-1', [photo, { ...photo, id: 'file-2' }])).toBe(true)
    expect(pendingEntries(chat)[0]?.attachments).toEqual([photo])
    const [first] = socket.framesOfType('chat')
    socket.receive(ownChat(1, first))
    const [, second] = socket.framesOfType('chat')
    expect(first).toEqual({ type: 'chat', text: '', clientId: expect.any(String), attachments: ['file-1'] })
    expect(second).toEqual({ type: 'chat', text: 'a caption', clientId: expect.any(String), replyTo: 'm-1', attachments: ['file-1', 'file-2'] })
  })

  it('refuses an empty message without files, and more files than one message may carry', () => {
    const { chat } = mountHeartbeatSocket()
    acceptJoin()
    expect(chat.send('  ')).toBe(false)
    expect(chat.send('', undefined, [])).toBe(false)
    expect(chat.send('x', undefined, Array.from({ length: 11 }, (_, index) => ({ ...photo, id: `f${index}` })))).toBe(false)
    expect(FakeWebSocket.latest().framesOfType('chat')).toEqual([])
  })

  it('a stored message with files and no text survives a reload; a stored file of the wrong shape does not', () => {
    const storage = memoryStorage()
    const store = outboxStore(storage, 'lobby')
    store.add({ clientId: 'a', text: '', writtenAt: 1, attachments: [photo] })
    store.add({ clientId: 'b', text: '', writtenAt: 2, attachments: [{ id: 7 } as unknown as FileInfo] })
    expect(outboxStore(storage, 'lobby').read().map(item => item.clientId)).toEqual(['a'])
  })
})
