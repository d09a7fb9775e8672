import { describe, expect, it } from 'vitest'
import { postAll, useConversationServers } from '../support/conversation-servers'
import type { RunningServer } from '../support/server'
import { joinRoom } from '../support/ws-client'

const { servers, freshRoom } = useConversationServers('conv')

describe('the conversation frames over real sockets', () => {
  it('one server: history pages, a reply, a reaction, an edit and a delete, and FORBIDDEN for another member', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.single.wsUrl, room, 'Ada')
    for (let i = 1; i <= 12; i++) ada.client.send({ type: 'chat', text: `m${i}` })
    const sent = []
    for (let i = 1; i <= 12; i++) sent.push(await ada.client.next('chat'))
    const bob = await joinRoom(servers.single.wsUrl, room, 'Bob')
    bob.client.send({ type: 'history', before: bob.joined.history[0]!.seq, limit: 100 })
    expect(await bob.client.next('history')).toEqual({ type: 'history', roomId: room, messages: [], hasMore: false })
    bob.client.send({ type: 'history', before: sent[5]!.seq, limit: 3 })
    const page = await bob.client.next('history')
    expect(page.messages.map(m => m.text)).toEqual(['m3', 'm4', 'm5'])
    expect(page.hasMore).toBe(true)

    bob.client.send({ type: 'chat', text: 'yes', replyTo: sent[0]!.id })
    expect((await ada.client.next('chat')).replyTo).toEqual({ id: sent[0]!.id, from: { id: ada.joined.you.id, name: 'Ada' }, excerpt: 'm1' })
    bob.client.send({ type: 'react', id: sent[0]!.id, emoji: '🎉' })
    expect(await ada.client.next('reaction')).toEqual({ type: 'reaction', roomId: room, id: sent[0]!.id, emoji: '🎉', memberId: bob.joined.you.id, on: true })
    bob.client.send({ type: 'edit', id: sent[0]!.id, text: 'mine now' })
    expect(await bob.client.next('error')).toMatchObject({ code: 'FORBIDDEN' })
    ada.client.send({ type: 'edit', id: sent[0]!.id, text: 'm1, fixed' })
    expect(await bob.client.next('edited')).toMatchObject({ id: sent[0]!.id, text: 'm1, fixed' })
    ada.client.send({ type: 'delete', id: sent[1]!.id })
    expect(await bob.client.next('deleted')).toEqual({ type: 'deleted', roomId: room, id: sent[1]!.id })
    bob.client.send({ type: 'history', before: sent[2]!.seq })
    const start = await bob.client.next('history')
    expect(start.messages.map(m => [m.text, m.deleted ?? false, m.reactions])).toEqual([['m1, fixed', false, { '🎉': [bob.joined.you.id] }], ['', true, undefined]])
  })

  it('two instances on one Redis: typing crosses without echo, and changes reach the other instance', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.one.wsUrl, room, 'Ada')
    const bob = await joinRoom(servers.two.wsUrl, room, 'Bob')
    ada.client.send({ type: 'typing' })
    expect(await bob.client.next('typing')).toEqual({ type: 'typing', roomId: room, ids: [ada.joined.you.id] })
    ada.client.send({ type: 'typing', stop: true })
    expect(await bob.client.next('typing')).toEqual({ type: 'typing', roomId: room, ids: [] })
    expect(ada.client.frames.filter(frame => frame.type === 'typing' && frame.ids.includes(ada.joined.you.id))).toEqual([])

    ada.client.send({ type: 'chat', text: 'across' })
    const message = await bob.client.next('chat')
    bob.client.send({ type: 'react', id: message.id, emoji: '👍🏽' })
    expect(await ada.client.next('reaction')).toMatchObject({ emoji: '👍🏽', memberId: bob.joined.you.id, on: true })
    ada.client.send({ type: 'edit', id: message.id, text: 'across, edited' })
    expect(await bob.client.next('edited')).toMatchObject({ text: 'across, edited' })
    const late = await joinRoom(servers.two.wsUrl, room, 'Cy')
    expect(late.joined.history.at(-1)).toMatchObject({ text: 'across, edited', reactions: { '👍🏽': [bob.joined.you.id] } })
  })
})

const exportOf = (server: RunningServer, roomId: string, token: string) =>
  fetch(`${server.url}/api/rooms/${roomId}/export?format=md`, { headers: { Authorization: `Bearer ${token}` } })

describe('threads over real sockets', () => {
  it('SQLite server: replies reach the room with threadId, a new member sees the root with its summary and pages the thread, and a deleted root keeps its replies', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.single.wsUrl, room, 'Ada')
    const bob = await joinRoom(servers.single.wsUrl, room, 'Bob')
    await postAll(ada, ['where shall we eat?'])
    const root = await bob.client.next('chat')
    await postAll(bob, ['noodles', 'dumplings', 'both'], { threadId: root.id })
    const replies = [await ada.client.next('chat'), await ada.client.next('chat'), await ada.client.next('chat')]
    expect(replies.map(reply => [reply.seq, reply.text, reply.threadId])).toEqual([[2, 'noodles', root.id], [3, 'dumplings', root.id], [4, 'both', root.id]])
    await postAll(ada, ['meanwhile, in the main room'])

    const cy = await joinRoom(servers.single.wsUrl, room, 'Cy')
    expect(cy.joined.history.map(message => message.text)).toEqual(['where shall we eat?', 'meanwhile, in the main room'])
    expect(cy.joined.history[0]!.thread).toEqual({ replyCount: 3, lastReplyAt: replies[2]!.at })
    cy.client.send({ type: 'history', before: Number.MAX_SAFE_INTEGER, limit: 2, threadId: root.id })
    const newest = await cy.client.next('history')
    expect(newest).toMatchObject({ roomId: room, threadId: root.id, hasMore: true })
    expect(newest.messages.map(message => message.text)).toEqual(['dumplings', 'both'])
    cy.client.send({ type: 'history', before: newest.messages[0]!.seq, threadId: root.id })
    expect((await cy.client.next('history')).messages.map(message => message.text)).toEqual(['noodles'])

    // In the thread: a quote, a reaction, an edit and a delete, as in the main timeline.
    cy.client.send({ type: 'chat', text: 'agreed', threadId: root.id, replyTo: replies[0]!.id, clientId: 'cy1' })
    expect(await ada.client.next('chat')).toMatchObject({ threadId: root.id, replyTo: { id: replies[0]!.id, excerpt: 'noodles' } })
    ada.client.send({ type: 'react', id: replies[1]!.id, emoji: '🥟' })
    expect(await bob.client.next('reaction')).toMatchObject({ id: replies[1]!.id, emoji: '🥟', on: true })
    bob.client.send({ type: 'edit', id: replies[0]!.id, text: 'hand-pulled noodles' })
    expect(await cy.client.next('edited')).toMatchObject({ id: replies[0]!.id, text: 'hand-pulled noodles' })
    bob.client.send({ type: 'delete', id: replies[2]!.id })
    expect(await cy.client.next('deleted')).toMatchObject({ id: replies[2]!.id })

    // Refused with a code and the outbox's clientId: a reply to a reply, to an unknown message.
    cy.client.send({ type: 'chat', text: 'two deep', threadId: replies[0]!.id, clientId: 'cy2' })
    expect(await cy.client.next('error')).toMatchObject({ code: 'BAD_REQUEST', clientId: 'cy2' })
    cy.client.send({ type: 'chat', text: 'lost', threadId: 'no-such-message', clientId: 'cy3' })
    expect(await cy.client.next('error')).toMatchObject({ code: 'BAD_REQUEST', clientId: 'cy3' })
    cy.client.send({ type: 'history', before: 100, threadId: 'no-such-message' })
    expect(await cy.client.next('error')).toMatchObject({ code: 'BAD_REQUEST' })

    // The owner deletes the root: its tombstone keeps the summary, the thread stays readable, and takes no more replies.
    ada.client.send({ type: 'delete', id: root.id })
    await cy.client.next('deleted')
    const dee = await joinRoom(servers.single.wsUrl, room, 'Dee')
    expect(dee.joined.history[0]).toMatchObject({ id: root.id, deleted: true, text: '', thread: { replyCount: 4 } })
    dee.client.send({ type: 'history', before: Number.MAX_SAFE_INTEGER, threadId: root.id })
    const thread = await dee.client.next('history')
    expect(thread.messages.map(message => [message.text, message.deleted ?? false])).toEqual([['hand-pulled noodles', false], ['dumplings', false], ['', true], ['agreed', false]])
    expect(thread.messages[1]!.reactions).toEqual({ '🥟': [ada.joined.you.id] })
    dee.client.send({ type: 'chat', text: 'too late', threadId: root.id, clientId: 'd1' })
    expect(await dee.client.next('error')).toMatchObject({ code: 'BAD_REQUEST', clientId: 'd1' })

    // A resume carries the replies it missed; the export quotes them under their root.
    const back = await joinRoom(servers.single.wsUrl, room, 'Bob', { token: bob.joined.token, lastSeq: 3 })
    expect(back.joined.recovered).toBe(true)
    expect(back.joined.history.map(message => [message.seq, message.threadId ?? null])).toEqual([[4, root.id], [5, null], [6, root.id]])
    const md = await (await exportOf(servers.single, room, dee.joined.token)).text()
    expect(md).toContain('· thread: 4 replies')
    expect(md).toContain('> ↳ reply in the thread of **Ada**')
    expect(md).toContain('> hand-pulled noodles')
  })

  it('two instances on one Redis: a reply on one reaches the other with threadId, and a member there sees the summary and the thread', async () => {
    const room = freshRoom()
    const ada = await joinRoom(servers.one.wsUrl, room, 'Ada')
    const bob = await joinRoom(servers.two.wsUrl, room, 'Bob')
    await postAll(ada, ['release on friday?'])
    const root = await bob.client.next('chat')
    await postAll(bob, ['if the tests pass', 'they do'], { threadId: root.id })
    const replies = [await ada.client.next('chat'), await ada.client.next('chat')]
    expect(replies.map(reply => reply.threadId)).toEqual([root.id, root.id])
    // Refused on the Redis store as on SQLite: threads are one level deep.
    ada.client.send({ type: 'chat', text: 'two deep', threadId: replies[0]!.id, clientId: 'a9' })
    expect(await ada.client.next('error')).toMatchObject({ code: 'BAD_REQUEST', clientId: 'a9' })
    const cy = await joinRoom(servers.one.wsUrl, room, 'Cy')
    expect(cy.joined.history.map(message => message.text)).toEqual(['release on friday?'])
    expect(cy.joined.history[0]!.thread).toMatchObject({ replyCount: 2 })
    cy.client.send({ type: 'history', before: Number.MAX_SAFE_INTEGER, threadId: root.id })
    const thread = await cy.client.next('history')
    expect(thread).toMatchObject({ threadId: root.id, hasMore: false })
    expect(thread.messages.map(message => message.text)).toEqual(['if the tests pass', 'they do'])
    cy.client.send({ type: 'search', q: 'tests pass' })
    expect((await cy.client.next('searchResults')).results.map(message => [message.text, message.threadId])).toEqual([['if the tests pass', root.id]])
  })
})
