import type { ChatMessage, DeletedFrame, EditedFrame, ReactionFrame, Reactions } from '../shared/protocol'
import { dateTimeFormat, pageLocale } from './clock-time'
import type { LocalText } from './local-text'
import type { TimelineEntry } from './timeline'

export type MessageChangeFrame = ReactionFrame | EditedFrame | DeletedFrame

/** Consecutive messages of one sender this close together share one header. */
export const GROUP_WITHIN_MS = 5 * 60_000

/**
 * The message as a change frame leaves it. Each frame says the state it
 * leaves (a text, a tombstone, one member's emoji on or off), so applying
 * one twice is harmless.
 */
function changedMessage(message: ChatMessage, frame: MessageChangeFrame): ChatMessage {
  if (frame.type === 'edited') {
    // A sealed edit replaces the sealed text; a plain one leaves none behind.
    const { cipher: _, ...rest } = message
    return { ...rest, text: frame.text, editedAt: frame.editedAt, ...(frame.cipher ? { cipher: frame.cipher } : {}) }
  }
  if (frame.type === 'deleted') {
    // A deleted root keeps its thread (it opens from the tombstone); a deleted reply stays in its thread.
    const { seq, id, roomId, from, at, clientId, thread, threadId } = message
    const kept = { ...(clientId ? { clientId } : {}), ...(thread ? { thread } : {}), ...(threadId ? { threadId } : {}) }
    return { type: 'chat', seq, id, roomId, from, at, text: '', deleted: true, ...kept, ...(frame.deletedBy ? { deletedBy: frame.deletedBy } : {}) }
  }
  const reactions: Reactions = { ...message.reactions }
  const members = (reactions[frame.emoji] ?? []).filter(id => id !== frame.memberId)
  if (frame.on) members.push(frame.memberId)
  if (members.length > 0) reactions[frame.emoji] = members
  else delete reactions[frame.emoji]
  const { reactions: _, ...rest } = message
  return Object.keys(reactions).length > 0 ? { ...rest, reactions } : rest
}

/** `timeline` with the change applied to the message it names; `timeline` itself when it does not show it. */
export function withMessageChange(timeline: TimelineEntry[], frame: MessageChangeFrame): TimelineEntry[] {
  const index = timeline.findIndex(entry => entry.kind === 'chat' && entry.message.id === frame.id)
  const entry = timeline[index]
  if (!entry || entry.kind !== 'chat') return timeline
  const next = [...timeline]
  next[index] = { ...entry, message: changedMessage(entry.message, frame) }
  return next
}

/** "ann is typing…", "ann and ben are typing…", "3 people are typing…"; undefined when nobody is. */
export function typingLine(names: readonly string[]): LocalText | undefined {
  if (names.length === 0) return undefined
  if (names.length === 1) return { key: 'typing.one', params: { name: names[0]! } }
  if (names.length === 2) return { key: 'typing.two', params: { first: names[0]!, second: names[1]! } }
  return { key: 'typing.many', params: { n: names.length } }
}

/** Whether the text mentions `name` as `@name` (case aside), not as the start of a longer word. */
export function mentions(text: string, name: string | undefined): boolean {
  if (!name) return false
  const lowerText = text.toLocaleLowerCase()
  const needle = `@${name.toLocaleLowerCase()}`
  for (let at = lowerText.indexOf(needle); at !== -1; at = lowerText.indexOf(needle, at + 1)) {
    const after = lowerText.slice(at + needle.length, at + needle.length + 1)
    if (!/[\p{L}\p{N}_]/u.test(after)) return true
  }
  return false
}

/** The `@word` the caret is in, for the composer's autocomplete; undefined when the caret is not in one. */
export function mentionQuery(text: string, caret: number): { start: number, query: string } | undefined {
  const match = /(?:^|\s)@([^\s@]{0,32})$/u.exec(text.slice(0, caret))
  if (!match) return undefined
  return { start: caret - match[1]!.length - 1, query: match[1]! }
}

function startOfDay(at: number): number {
  const date = new Date(at)
  date.setHours(0, 0, 0, 0)
  return date.getTime()
}

/** Whether two times fall on one calendar day of the viewer. */
export function sameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b)
}

function capitalized(text: string, locale: string | undefined): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1)
}

/** "Today", "Yesterday" or a date, in the viewer's locale. */
export function dayLabel(at: number, now: number, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000)
  if (days === 0 || days === 1) return capitalized(new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-days, 'day'), locale)
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear()
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(at)
}

/** The full date and time, for a hover title. */
export function fullDateTime(at: number, locale: string | undefined = pageLocale()): string {
  return dateTimeFormat(locale, 'full', { dateStyle: 'full', timeStyle: 'medium' }).format(at)
}
