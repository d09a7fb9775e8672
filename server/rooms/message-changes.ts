import { LIMITS, replyExcerpt } from '../../shared/protocol'
import type { ChatMessage, CipherEnvelopeFrame, Reactions } from '../../shared/protocol'
import type { MessageChangeRefusal, RoomEvent } from './types'

// The rules for changing a held message, as plain functions over a copy, so
// that every store applies the same ones (the Redis store's Lua restates them
// in redis/scripts/message-changes.ts; the contract suite runs each rule,
// "rule: …", on every store).

/** The message with the member's emoji toggled, or why not. */
export function withReactionToggled(message: ChatMessage, memberId: string, emoji: string): ChatMessage | MessageChangeRefusal {
  if (message.deleted) return 'not-found'
  const reactions: Reactions = { ...message.reactions }
  const members = reactions[emoji] ?? []
  if (members.includes(memberId)) {
    const rest = members.filter(id => id !== memberId)
    if (rest.length > 0) reactions[emoji] = rest
    else delete reactions[emoji]
  }
  else {
    if (!(emoji in reactions) && Object.keys(reactions).length >= LIMITS.reactionsPerMessage) return 'too-many-reactions'
    if (Object.values(reactions).reduce((sum, ids) => sum + ids.length, 0) >= LIMITS.reactionEntriesPerMessage) return 'too-many-reactions'
    reactions[emoji] = [...members, memberId]
  }
  const { reactions: _, ...rest } = message
  return Object.keys(reactions).length > 0 ? { ...rest, reactions } : rest
}

/** `cipher`: the sealed new text of an end-to-end encrypted room, which replaces the old one (`text` is then ''). */
export function withTextEdited(message: ChatMessage, authorId: string, text: string, editedAt: number, cipher?: CipherEnvelopeFrame): ChatMessage | MessageChangeRefusal {
  if (message.deleted) return 'not-found'
  if (message.from.id !== authorId) return 'forbidden'
  const { cipher: _, ...rest } = message
  return { ...rest, text, editedAt, ...(cipher ? { cipher } : {}) }
}

/**
 * A tombstone keeps the place, the author, the time, the clientId (so a
 * resend of it is answered with the tombstone) and its place in threads (its
 * root's id, or its own thread's summary); nothing of what was said.
 * The author may delete its own message, and the room's owner any message:
 * then the tombstone says so (`deletedBy: 'owner'`). `ownerId` is '' in a
 * room without an owner.
 */
export function asTombstone(message: ChatMessage, memberId: string, ownerId: string): ChatMessage | MessageChangeRefusal {
  if (message.deleted) return 'not-found'
  const byOwner = message.from.id !== memberId
  if (byOwner && (ownerId === '' || memberId !== ownerId)) return 'forbidden'
  const { seq, id, roomId, from, at, clientId, threadId, thread } = message
  // A reply's tombstone stays in its thread; a root's keeps its summary, so its replies stay reachable.
  return { type: 'chat', seq, id, roomId, from, text: '', at, ...(clientId ? { clientId } : {}), deleted: true, ...(byOwner ? { deletedBy: 'owner' as const } : {}), ...(threadId ? { threadId } : {}), ...(thread ? { thread } : {}) }
}

/** Whether a change rewrote what was said, so the dedupe window's copy must be rewritten with it. */
export function changedWords(before: ChatMessage, after: ChatMessage): boolean {
  return before.text !== after.text || before.deleted !== after.deleted || before.cipher?.data !== after.cipher?.data
}

/**
 * A reply holds an excerpt of the message it quotes, which is another copy of
 * its words: when they change, the quote follows (the new excerpt), and when
 * they are deleted it keeps nothing of them (`deleted`). Called for every held
 * reply to `quoted`, and for the copy in its author's dedupe window.
 */
export function withQuoteOf(reply: ChatMessage, quoted: ChatMessage): ChatMessage {
  if (reply.replyTo?.id !== quoted.id) return reply
  const { deleted: _, ...ref } = reply.replyTo
  return { ...reply, replyTo: quoted.deleted ? { ...ref, excerpt: '', deleted: true } : { ...ref, excerpt: quoteExcerptOf(quoted) } }
}

/** What a reply quotes of a message as it is now: '' once it is deleted. */
export function quoteExcerptOf(quoted: ChatMessage): string {
  return quoted.deleted ? '' : replyExcerpt(quoted.text)
}

/** One change to a held message: the rule that makes the new copy, and the event the room hears of it. */
export interface MessageChange {
  apply: (message: ChatMessage) => ChatMessage | MessageChangeRefusal
  event: (changed: ChatMessage) => RoomEvent
}

export function reactionToggle(messageId: string, memberId: string, emoji: string): MessageChange {
  return {
    apply: message => withReactionToggled(message, memberId, emoji),
    event: changed => ({ kind: 'reaction', id: messageId, emoji, memberId, on: changed.reactions?.[emoji]?.includes(memberId) ?? false }),
  }
}

export function textEdit(messageId: string, authorId: string, text: string, editedAt: number, cipher?: CipherEnvelopeFrame): MessageChange {
  return {
    apply: message => withTextEdited(message, authorId, text, editedAt, cipher),
    event: () => ({ kind: 'edited', id: messageId, text, editedAt, ...(cipher ? { cipher } : {}) }),
  }
}

export function deletion(messageId: string, memberId: string, ownerId: string): MessageChange {
  return {
    apply: message => asTombstone(message, memberId, ownerId),
    event: changed => ({ kind: 'deleted', id: messageId, ...(changed.deletedBy ? { deletedBy: changed.deletedBy } : {}) }),
  }
}
