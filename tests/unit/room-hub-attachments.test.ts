import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FileInfo } from '../../shared/protocol'
import type { Attachments } from '../../server/rooms/attachments'
import { RoomHub } from '../../server/rooms/room-hub'
import { FakeConnection } from '../support/fake-connection'

const FILE: FileInfo = { id: 'F'.repeat(22), name: 'a.png', type: 'image/png', size: 10, url: `/files/r.1/${'F'.repeat(22)}`, width: 1, height: 1 }
let hub: RoomHub

afterEach(() => hub?.stop())

function attachmentsWith(files: Record<string, FileInfo>) {
  const port = {
    claim: vi.fn<Attachments['claim']>(async (_roomId, _memberId, ids) => ids.every(id => files[id]) ? ids.map(id => files[id]!) : undefined),
    discard: vi.fn<Attachments['discard']>(async () => {}),
  }
  hub = new RoomHub({ log: () => {}, attachments: port })
  return port
}

async function join(name: string) {
  const conn = new FakeConnection()
  hub.open(conn)
  hub.receive(conn, JSON.stringify({ type: 'join', roomId: 'r', name, create: true }))
  const joined = await conn.waitFor('joined')
  return { conn, joined }
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0))

describe('chat with attachments in the hub', () => {
  it('asks for the files as this member in this room and sends them with the message', async () => {
    const port = attachmentsWith({ [FILE.id]: FILE })
    const ada = await join('Ada')
    hub.receive(ada.conn, JSON.stringify({ type: 'chat', text: '', clientId: 'c', attachments: [FILE.id] }))
    const message = await ada.conn.waitFor('chat')
    expect(port.claim).toHaveBeenCalledWith('r', ada.joined.you.id, [FILE.id], 'c')
    expect(message).toMatchObject({ text: '', attachments: [FILE] })
  })

  it('a refused id is BAD_REQUEST and no message', async () => {
    attachmentsWith({})
    const ada = await join('Ada')
    hub.receive(ada.conn, JSON.stringify({ type: 'chat', text: 'x', attachments: ['G'.repeat(22)] }))
    expect((await ada.conn.waitFor('error')).code).toBe('BAD_REQUEST')
    expect(ada.conn.of('chat')).toEqual([])
  })

  it('a bad replyTo is refused before any file is taken', async () => {
    const port = attachmentsWith({ [FILE.id]: FILE })
    const ada = await join('Ada')
    hub.receive(ada.conn, JSON.stringify({ type: 'chat', text: 'x', replyTo: 'nothing', attachments: [FILE.id] }))
    await ada.conn.waitFor('error')
    expect(port.claim).not.toHaveBeenCalled()
  })

  it('deleting the message hands its files back for removal; deleting another\'s message does not', async () => {
    const port = attachmentsWith({ [FILE.id]: FILE })
    const ada = await join('Ada')
    const bob = await join('Bob')
    hub.receive(ada.conn, JSON.stringify({ type: 'chat', text: '', attachments: [FILE.id] }))
    const message = await ada.conn.waitFor('chat')
    hub.receive(bob.conn, JSON.stringify({ type: 'delete', id: message.id }))
    await bob.conn.waitFor('error')
    expect(port.discard).not.toHaveBeenCalled()
    hub.receive(ada.conn, JSON.stringify({ type: 'delete', id: message.id }))
    await ada.conn.waitFor('deleted')
    await tick()
    expect(port.discard).toHaveBeenCalledWith('r', [FILE])
  })

  it('without a file service no id names a file', async () => {
    hub = new RoomHub({ log: () => {} })
    const ada = await join('Ada')
    hub.receive(ada.conn, JSON.stringify({ type: 'chat', text: '', attachments: [FILE.id] }))
    expect((await ada.conn.waitFor('error')).code).toBe('BAD_REQUEST')
  })
})
