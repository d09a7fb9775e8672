import { describe, expect, it, vi } from 'vitest'
import { downloadRoomExport } from '~/utils/room-export'

function answering(response: Response) {
  const fetch = vi.fn<typeof globalThis.fetch>(async () => response)
  const save = vi.fn<(file: Blob, name: string) => void>()
  return { fetch, save }
}

describe('downloadRoomExport', () => {
  it('asks with the token in the Authorization header, never in the address, and saves the file under the room\'s name', async () => {
    const deps = answering(new Response('# the room', { status: 200 }))
    expect(await downloadRoomExport('team-room', 'secret-token', 'md', deps)).toEqual({ ok: true })
    const [address, init] = deps.fetch.mock.calls[0]!
    expect(address).toBe('/api/rooms/team-room/export?format=md')
    expect(String(address)).not.toContain('secret-token')
    expect(init?.headers).toEqual({ Authorization: 'Bearer secret-token' })
    const [file, name] = deps.save.mock.calls[0]!
    expect(await file.text()).toBe('# the room')
    expect(name).toBe('team-room.md')
  })

  it('says why nothing was saved: not a member, too many exports (with the wait), or a failure', async () => {
    for (const status of [401, 403]) {
      const deps = answering(new Response('', { status }))
      expect(await downloadRoomExport('r', 't', 'json', deps)).toEqual({ ok: false, reason: 'notMember' })
      expect(deps.save).not.toHaveBeenCalled()
    }
    expect(await downloadRoomExport('r', 't', 'json', answering(new Response('', { status: 429, headers: { 'Retry-After': '42' } })))).toEqual({ ok: false, reason: 'rateLimited', retryAfterS: 42 })
    expect(await downloadRoomExport('r', 't', 'json', answering(new Response('', { status: 500 })))).toEqual({ ok: false, reason: 'failed' })
    const offline = { fetch: vi.fn<typeof globalThis.fetch>(async () => { throw new TypeError('offline') }), save: vi.fn() }
    expect(await downloadRoomExport('r', 't', 'json', offline)).toEqual({ ok: false, reason: 'failed' })
  })
})
