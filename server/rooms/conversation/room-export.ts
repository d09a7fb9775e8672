import { LIMITS } from '../../../shared/protocol'
import type { ChatMessage } from '../../../shared/protocol'
import type { RoomStore } from '../types'

export type ExportFormat = 'md' | 'json'
type ExportStore = Pick<RoomStore, 'messagesBefore' | 'recentMessages'>

/**
 * The oldest seq the room still holds, found with one-message reads (held
 * seqs are consecutive on every store, and end at the newest): about 17
 * reads for 100,000 messages, whatever the store, instead of a walk.
 */
async function oldestHeldSeq(store: ExportStore, roomId: string, newest: number): Promise<number> {
  let low = 1
  let high = newest
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    const { messages } = await store.messagesBefore(roomId, middle + 1, 1)
    if (messages.length > 0) high = middle
    else low = middle + 1
  }
  return low
}

/**
 * The room's held messages, oldest first, read `LIMITS.exportPageSize` at a
 * time: a page is asked for only once the one before has been written out,
 * so the server never holds the whole room.
 */
export async function* messagePages(store: ExportStore, roomId: string, pageSize: number = LIMITS.exportPageSize): AsyncGenerator<ChatMessage[]> {
  const [newestMessage] = await store.recentMessages(roomId, 1)
  if (!newestMessage) return
  const newest = newestMessage.seq
  for (let from = await oldestHeldSeq(store, roomId, newest); from <= newest; from += pageSize) {
    const { messages } = await store.messagesBefore(roomId, Math.min(from + pageSize, newest + 1), pageSize)
    // A message trimmed meanwhile is skipped; seqs past `newest` come in a later export.
    const page = messages.filter(message => message.seq >= from)
    if (page.length > 0) yield page
  }
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}

/** One message as the JSON export holds it: what a member sees, files named by their URLs. */
function exportedMessage(message: ChatMessage, origin: string) {
  return {
    seq: message.seq,
    id: message.id,
    from: message.from,
    at: isoTime(message.at),
    text: message.text,
    ...(message.editedAt ? { editedAt: isoTime(message.editedAt) } : {}),
    ...(message.deleted ? { deleted: true } : {}),
    ...(message.replyTo ? { replyTo: { id: message.replyTo.id, from: message.replyTo.from, excerpt: message.replyTo.excerpt } } : {}),
    ...(message.threadId ? { threadId: message.threadId } : {}),
    ...(message.thread ? { thread: { replyCount: message.thread.replyCount, lastReplyAt: isoTime(message.thread.lastReplyAt) } } : {}),
    ...(message.attachments?.length ? { attachments: message.attachments.map(file => ({ name: file.name, type: file.type, size: file.size, url: new URL(file.url, origin).href })) } : {}),
    ...(message.reactions && Object.keys(message.reactions).length > 0 ? { reactions: Object.fromEntries(Object.entries(message.reactions).map(([emoji, ids]) => [emoji, ids.length])) } : {}),
  }
}

// Markdown that a reader's viewer shows as written: the text is the author's
// own Markdown, kept; a name could open a heading or a list, so it is escaped.
function escapedName(name: string): string {
  return name.replace(/[\\`*_[\]#<>|~]/g, character => `\\${character}`)
}

function replyCount(count: number): string {
  return count === 1 ? '1 reply' : `${count} replies`
}

/**
 * A message as Markdown. A thread's root says how many replies it has; a
 * reply, which comes in seq order among the main timeline's messages, is
 * quoted as a block under a line naming the root it answers (`root`: as
 * held, undefined once the capped history dropped it).
 */
function markdownMessage(message: ChatMessage, origin: string, root?: ChatMessage): string {
  const thread = message.thread ? ` · thread: ${replyCount(message.thread.replyCount)}` : ''
  const lines = [`**${escapedName(message.from.name)}** · ${isoTime(message.at)}${message.editedAt ? ' (edited)' : ''}${thread}`]
  if (message.replyTo) lines.push(`> ↪ ${escapedName(message.replyTo.from.name)}: ${message.replyTo.excerpt.replace(/\n/g, ' ')}`)
  lines.push(message.deleted ? '_(deleted)_' : message.text)
  for (const file of message.attachments ?? []) lines.push(`- [${escapedName(file.name)}](${new URL(file.url, origin).href})`)
  if (!message.threadId) return `${lines.join('\n\n')}\n\n---\n\n`
  const under = root ? `**${escapedName(root.from.name)}** · ${isoTime(root.at)}` : 'a message no longer held'
  const quoted = [`↳ reply in the thread of ${under}`, ...lines].join('\n\n').split('\n').map(line => (line ? `> ${line}` : '>'))
  return `${quoted.join('\n')}\n\n---\n\n`
}

/** The roots the page's thread replies answer, one read each: at most a page's worth, never the room. */
async function rootsOf(store: Pick<RoomStore, 'findMessage'>, roomId: string, page: ChatMessage[]): Promise<Map<string, ChatMessage>> {
  const roots = new Map<string, ChatMessage>()
  for (const threadId of new Set(page.flatMap(message => (message.threadId ? [message.threadId] : [])))) {
    const root = await store.findMessage(roomId, threadId)
    if (root) roots.set(threadId, root)
  }
  return roots
}

/**
 * The export as text chunks, one per page of messages: Markdown, or one JSON
 * document written a page at a time. `origin` makes file URLs absolute.
 */
export async function* exportChunks(store: ExportStore & Pick<RoomStore, 'findMessage'>, room: { id: string, title: string }, format: ExportFormat, origin: string, now = Date.now()): AsyncGenerator<string> {
  if (format === 'md') yield `# ${escapedName(room.title)}\n\nExported ${isoTime(now)} from ${origin}/room/${room.id}\n\n---\n\n`
  else yield `{"roomId":${JSON.stringify(room.id)},"title":${JSON.stringify(room.title)},"exportedAt":${JSON.stringify(isoTime(now))},"messages":[`
  let first = true
  for await (const page of messagePages(store, room.id)) {
    if (format === 'md') {
      const roots = await rootsOf(store, room.id, page)
      yield page.map(message => markdownMessage(message, origin, message.threadId ? roots.get(message.threadId) : undefined)).join('')
      continue
    }
    yield (first ? '\n' : ',\n') + page.map(message => JSON.stringify(exportedMessage(message, origin))).join(',\n')
    first = false
  }
  if (format === 'json') yield '\n]}\n'
}
