import type { ChatMessage, FileInfo, MemberPresence, PresenceFrame } from '../shared/protocol'
import type { LocalText } from './local-text'
import type { Refusal } from './refusals'
import type { OutboxItem } from './outbox'

/** A message the server has posted; `mine` when this member sent it. */
export interface ChatEntry { kind: 'chat', key: string, message: ChatMessage, mine: boolean }
/** A message of this member that the server has not acknowledged yet. */
export interface PendingEntry { kind: 'pending', key: string, clientId: string, text: string, writtenAt: number, senderName: string, attachments?: FileInfo[], refused?: Refusal }
export interface SystemEntry { kind: 'system', key: string, text: LocalText, at: number }
export type TimelineEntry = ChatEntry | PendingEntry | SystemEntry

// An own message keeps the key of its pending entry once acknowledged, so the
// list patches the same element (no flicker, and the live region does not read
// it out twice).
function ownKey(clientId: string): string {
  return `own:${clientId}`
}

// The seq alone is not enough: a restarted server counts from 1 again.
function messageIdentity(message: ChatMessage): string {
  return `${message.seq}:${message.id}`
}

function chatEntry(message: ChatMessage, selfId: string | undefined, usedKeys: ReadonlySet<string>): ChatEntry {
  const mine = message.from.id === selfId
  const own = mine && message.clientId ? ownKey(message.clientId) : undefined
  const key = own && !usedKeys.has(own) ? own : `chat:${messageIdentity(message)}`
  return { kind: 'chat', key, message, mine }
}

/**
 * The timeline followed by the pending messages of one conversation (the main
 * one, or the thread of `threadId`): they have no seq yet, so they come after
 * every posted one.
 */
export function withPendingEntries(timeline: TimelineEntry[], allPending: readonly OutboxItem[], senderName: string, threadId?: string): TimelineEntry[] {
  const pending = allPending.filter(item => item.threadId === threadId)
  if (pending.length === 0) return timeline
  return [...timeline, ...pending.map(({ clientId, text, writtenAt, attachments, refused }): PendingEntry =>
    ({ kind: 'pending', key: ownKey(clientId), clientId, text, writtenAt, senderName, ...(attachments ? { attachments } : {}), ...(refused ? { refused } : {}) }))]
}

/** The highest seq the timeline shows; undefined when it shows no message. */
export function highestSeq(timeline: readonly TimelineEntry[]): number | undefined {
  return timeline.reduce<number | undefined>((highest, entry) =>
    entry.kind === 'chat' && entry.message.seq > (highest ?? -1) ? entry.message.seq : highest, undefined)
}

/**
 * `timeline` with the messages it does not show yet, each placed in seq order
 * among the messages (after any system line when it is the newest). A message
 * already shown (same seq and id) is skipped; `timeline` itself comes back
 * when nothing is new.
 */
export function mergeChatMessages(
  timeline: TimelineEntry[],
  messages: readonly ChatMessage[],
  selfId: string | undefined,
): TimelineEntry[] {
  const shown = new Set(timeline.flatMap(entry => (entry.kind === 'chat' ? [messageIdentity(entry.message)] : [])))
  const usedKeys = new Set(timeline.map(entry => entry.key))
  let merged: TimelineEntry[] | undefined
  for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
    if (shown.has(messageIdentity(message))) continue
    shown.add(messageIdentity(message))
    const entry = chatEntry(message, selfId, usedKeys)
    usedKeys.add(entry.key)
    merged ??= [...timeline]
    const later = merged.findIndex(other => other.kind === 'chat' && other.message.seq > message.seq)
    merged.splice(later === -1 ? merged.length : later, 0, entry)
  }
  return merged ?? timeline
}

/** Applies a presence frame to the member list; `lines` say who joined and who left. */
export function mergePresence(
  users: readonly MemberPresence[],
  { changed, left }: Pick<PresenceFrame, 'changed' | 'left'>,
): { users: MemberPresence[], lines: LocalText[] } {
  let next = [...users]
  const lines: LocalText[] = []
  for (const member of changed) {
    if (next.some(user => user.id === member.id)) {
      next = next.map(user => (user.id === member.id ? member : user))
    }
    else {
      next.push(member)
      lines.push({ key: 'system.joined', params: { name: member.name } })
    }
  }
  for (const id of left) {
    const gone = next.find(user => user.id === id)
    if (!gone) continue
    next = next.filter(user => user !== gone)
    lines.push({ key: 'system.left', params: { name: gone.name } })
  }
  return { users: next, lines }
}
