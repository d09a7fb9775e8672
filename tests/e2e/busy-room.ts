import { expect } from '@playwright/test'
import WebSocket from 'ws'

/** A member that is not a browser: a raw socket that joins, pings, says and reacts. */
export interface SocketMember {
  say: (text: string, replyTo?: string) => Promise<string>
  react: (id: string, emoji: string) => void
  edit: (id: string, text: string) => void
  remove: (id: string) => void
  close: () => void
}

export async function socketMember(baseURL: string, roomId: string, name: string): Promise<SocketMember> {
  const ws = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/ws`, { origin: baseURL })
  await new Promise(resolve => ws.once('open', resolve))
  const frames: Array<{ type: string, id?: string, text?: string, from?: { name: string } }> = []
  ws.on('message', data => frames.push(JSON.parse(data.toString()) as never))
  ws.send(JSON.stringify({ type: 'join', roomId, name, create: true }))
  await expect.poll(() => frames.some(frame => frame.type === 'joined')).toBe(true)
  // Pinging keeps it online for as long as the test wants it in the room.
  const pings = setInterval(() => ws.send(JSON.stringify({ type: 'ping' })), 800)
  return {
    async say(text, replyTo) {
      ws.send(JSON.stringify({ type: 'chat', text, ...(replyTo ? { replyTo } : {}) }))
      await expect.poll(() => frames.find(frame => frame.type === 'chat' && frame.text === text && frame.from?.name === name)).toBeTruthy()
      return frames.find(frame => frame.type === 'chat' && frame.text === text && frame.from?.name === name)!.id!
    },
    react(id, emoji) {
      ws.send(JSON.stringify({ type: 'react', id, emoji }))
    },
    edit(id, text) {
      ws.send(JSON.stringify({ type: 'edit', id, text }))
    },
    remove(id) {
      ws.send(JSON.stringify({ type: 'delete', id }))
    },
    close() {
      clearInterval(pings)
      ws.close()
    },
  }
}

/** Three members talking: messages, a reply, reactions, an edit, a deletion, a mention of Ada; the page then joins as a fourth. */
export async function busyRoom(baseURL: string, roomId: string): Promise<SocketMember[]> {
  const cleo = await socketMember(baseURL, roomId, 'Cleo')
  const dan = await socketMember(baseURL, roomId, 'Dan')
  const eve = await socketMember(baseURL, roomId, '李雷')
  const first = await cleo.say('Morning all! Is the release still on for today?')
  const answer = await dan.say('Yes, after lunch.')
  dan.edit(answer, 'Yes, after lunch. 发布在午饭后。')
  cleo.remove(await cleo.say('wrong room, sorry'))
  const reply = await eve.say('好的，我来准备说明。', first)
  cleo.react(first, '👍')
  dan.react(first, '👍')
  eve.react(reply, '🎉')
  await dan.say('@Ada can you look at the notes?')
  return [cleo, dan, eve]
}
