import type { ChatMessage } from '../shared/protocol'
import type { TimelineEntry } from './timeline'

/** A thread reply: a chat that names its root. The main timeline never shows one. */
export const isThreadReply = (message: ChatMessage): boolean => message.threadId !== undefined

/**
 * `timeline` with each reply counted into its root's summary (one more reply,
 * `lastReplyAt` its time), for the roots the timeline holds. `counted` holds
 * the ids of the replies already counted and gains the new ones: a reply seen
 * twice (a resume replay, a second tab's copy) is counted once. A root loaded
 * after a reply came counts it already, from the server.
 */
export function withThreadReplies(timeline: TimelineEntry[], replies: readonly ChatMessage[], counted: Set<string>): TimelineEntry[] {
  let next: TimelineEntry[] | undefined
  for (const reply of replies) {
    if (reply.threadId === undefined || counted.has(reply.id)) continue
    const index = (next ?? timeline).findIndex(entry => entry.kind === 'chat' && entry.message.id === reply.threadId)
    const root = (next ?? timeline)[index]
    if (!root || root.kind !== 'chat') continue
    counted.add(reply.id)
    const before = root.message.thread
    const thread = { replyCount: (before?.replyCount ?? 0) + 1, lastReplyAt: Math.max(before?.lastReplyAt ?? 0, reply.at) }
    next ??= [...timeline]
    next[index] = { ...root, message: { ...root.message, thread } }
  }
  return next ?? timeline
}

export type RelativeUnit = 'second' | 'minute' | 'hour' | 'day'

/**
 * How long ago `at` was, as the largest whole unit that fits ("3 minutes
 * ago"); under a minute is `now`. Days past a week stay days: a summary
 * names the date in its title.
 */
export function timeAgo(at: number, now: number): { unit: RelativeUnit, value: number } | 'now' {
  const seconds = Math.max(0, Math.floor((now - at) / 1000))
  if (seconds < 60) return 'now'
  if (seconds < 3600) return { unit: 'minute', value: Math.floor(seconds / 60) }
  if (seconds < 86_400) return { unit: 'hour', value: Math.floor(seconds / 3600) }
  return { unit: 'day', value: Math.floor(seconds / 86_400) }
}

/** Ms until `timeAgo(at, now)` next changes: a summary redraws then, not every second. */
export function msUntilAgoChanges(at: number, now: number): number {
  const elapsed = Math.max(0, now - at)
  const step = elapsed < 3_600_000 ? 60_000 : elapsed < 86_400_000 ? 3_600_000 : 86_400_000
  return step - (elapsed % step)
}
