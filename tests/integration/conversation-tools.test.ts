import { describe, expect, it } from 'vitest'
import { LIMITS } from '../../shared/protocol'
import { postAll, useConversationServers } from '../support/conversation-servers'
import type { RunningServer } from '../support/server'
import { joinRoom } from '../support/ws-client'

const { servers, freshRoom } = useConversationServers('tools')

const exportOf = (server: RunningServer, roomId: string, format: string, token?: string) =>
  fetch(`${server.url}/api/rooms/${roomId}/export?format=${format}`, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } })

describe('search, the page around a message, pins and slow mode over real sockets', () => {
  it('SQLite server: search finds Chinese and parts of words among 40 messages, and history around the match shows it in context', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.single.wsUrl, room, 'Ada')
    await postAll(ada, Array.from({ length: 40 }, (_, i) => (i === 6 ? '明天一起吃火锅吧' : i === 9 ? 'The quarterly REPORT is late' : `filler ${i}`)))
    const bob = await joinRoom(servers.single.wsUrl, room, 'Bob')
    bob.client.send({ type: 'search', q: '一起吃' })
    const chinese = await bob.client.next('searchResults')
    expect(chinese.results.map(message => message.text)).toEqual(['明天一起吃火锅吧'])
    bob.client.send({ type: 'search', q: '火锅' })
    expect((await bob.client.next('searchResults')).results.map(message => message.seq)).toEqual([chinese.results[0]!.seq])
    bob.client.send({ type: 'search', q: 'report' })
    const report = (await bob.client.next('searchResults')).results[0]!
    expect(report.text).toBe('The quarterly REPORT is late')
    bob.client.send({ type: 'history', around: report.seq, limit: 5 })
    const context = await bob.client.next('history')
    expect(context.messages.map(message => message.seq)).toEqual([report.seq - 2, report.seq - 1, report.seq, report.seq + 1, report.seq + 2])
    expect(context).toMatchObject({ around: report.seq, hasMore: true, hasNewer: true })
    ada.client.send({ type: 'delete', id: report.id })
    await bob.client.next('deleted')
    bob.client.send({ type: 'search', q: 'report' })
    expect(await bob.client.next('searchResults')).toMatchObject({ results: [], hasMore: false })
    bob.client.send({ type: 'search', q: 'x'.repeat(LIMITS.searchQueryMaxLength + 1) })
    expect(await bob.client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('two instances on one Redis: a pin and slow mode set on one reach the other, and slow mode holds back a member there', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.one.wsUrl, room, 'Ada')
    const bob = await joinRoom(servers.two.wsUrl, room, 'Bob')
    await postAll(ada, ['welcome, read this first'])
    const welcome = await bob.client.next('chat')
    ada.client.send({ type: 'pin', id: welcome.id, pinned: true })
    expect(await bob.client.next('pins')).toMatchObject({ ids: [welcome.id], pinned: [{ id: welcome.id, excerpt: 'welcome, read this first' }] })
    bob.client.send({ type: 'pin', id: welcome.id, pinned: false })
    expect(await bob.client.next('error')).toMatchObject({ code: 'FORBIDDEN' })
    ada.client.send({ type: 'slowMode', seconds: 30 })
    expect(await bob.client.next('slowMode')).toEqual({ type: 'slowMode', roomId: room, seconds: 30 })
    const cy = await joinRoom(servers.two.wsUrl, room, 'Cy')
    expect(cy.joined).toMatchObject({ slowMode: 30, pins: [welcome.id] })
    bob.client.send({ type: 'chat', text: 'first', clientId: 'b1' })
    expect((await cy.client.next('chat')).text).toBe('first')
    // From the other instance, under the same member's token: the turn is the member's, not the socket's.
    const bobElsewhere = await joinRoom(servers.one.wsUrl, room, 'Bob', { token: bob.joined.token })
    bobElsewhere.client.send({ type: 'chat', text: 'second', clientId: 'b2' })
    const refused = await bobElsewhere.client.next('error')
    expect(refused).toMatchObject({ code: 'SLOW_MODE', clientId: 'b2' })
    expect(refused.retryAfterMs).toBeGreaterThan(25_000)
    ada.client.send({ type: 'chat', text: 'owner is exempt' })
    expect((await cy.client.next('chat')).text).toBe('owner is exempt')
  })
})

describe('the export over HTTP', () => {
  it('streams a member\'s Markdown and JSON, refuses without a token, with another room\'s token and past the rate', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.single.wsUrl, room, 'Ada')
    await postAll(ada, ['first **words**', 'second words'])
    const other = await joinRoom(servers.single.wsUrl, freshRoom(), 'Eve')
    expect((await exportOf(servers.single, room, 'md')).status).toBe(401)
    expect((await exportOf(servers.single, room, 'md', other.joined.token)).status).toBe(403)
    expect((await exportOf(servers.single, room, 'pdf', ada.joined.token)).status).toBe(400)
    const md = await exportOf(servers.single, room, 'md', ada.joined.token)
    expect(md.status).toBe(200)
    expect(md.headers.get('content-type')).toContain('text/markdown')
    expect(md.headers.get('content-disposition')).toBe(`attachment; filename="${room}.md"`)
    const text = await md.text()
    expect(text).toContain('first **words**')
    expect(text.indexOf('first **words**')).toBeLessThan(text.indexOf('second words'))
    const json = await exportOf(servers.single, room, 'json', ada.joined.token)
    const body = await json.json() as { roomId: string, messages: Array<{ text: string, from: { name: string } }> }
    expect(body.roomId).toBe(room)
    expect(body.messages.map(message => [message.from.name, message.text])).toEqual([['Ada', 'first **words**'], ['Ada', 'second words']])
    const limited = await exportOf(servers.single, room, 'md', ada.joined.token)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
