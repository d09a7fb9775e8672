import { LIMITS } from '../../shared/protocol'
import type { ChatMessage, Reactions } from '../../shared/protocol'
import type { MessageChangeRefusal, RoomEvent } from './types'

// The rules for changing a held message, as plain functions over a copy, so
// that every store applies the same ones (the Redis store's Lua mirrors them
// in scripts.ts).

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

export function withTextEdited(message: ChatMessage, authorId: string, text: string, editedAt: number): ChatMessage | MessageChangeRefusal {
  if (message.deleted) return 'not-found'
  if (message.from.id !== authorId) return 'forbidden'
  return { ...message, text, editedAt }
}

/** A tombstone keeps the place, the author and the time; nothing of what was said. */
export function asTombstone(message: ChatMessage, authorId: string): ChatMessage | MessageChangeRefusal {
  if (message.deleted) return 'not-found'
  if (message.from.id !== authorId) return 'forbidden'
  const { seq, id, roomId, from, at } = message
  return { type: 'chat', seq, id, roomId, from, text: '', at, deleted: true }
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

export function textEdit(messageId: string, authorId: string, text: string, editedAt: number): MessageChange {
  return {
    apply: message => withTextEdited(message, authorId, text, editedAt),
    event: () => ({ kind: 'edited', id: messageId, text, editedAt }),
  }
}

export function deletion(messageId: string, authorId: string): MessageChange {
  return {
    apply: message => asTombstone(message, authorId),
    event: () => ({ kind: 'deleted', id: messageId }),
  }
}
