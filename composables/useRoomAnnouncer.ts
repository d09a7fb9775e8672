import type { Ref } from 'vue'
import { getCurrentScope, onScopeDispose, shallowRef, watch } from 'vue'
import type { Translate } from '../utils/local-text'
import { throttleAnnouncements } from '../utils/throttle-announcements'
import type { ChatMessage } from '../shared/protocol'
import type { TimelineEntry } from '../utils/timeline'

export interface UseRoomAnnouncerOptions {
  timeline: Readonly<Ref<TimelineEntry[]>>
  online: Readonly<Ref<number>>
  members: Readonly<Ref<number>>
  self: Readonly<Ref<{ id: string } | undefined>>
  /** The latest thread reply another member sent (useThread's heardReply): replies are not in the timeline. */
  threadReply?: Readonly<Ref<ChatMessage | undefined>>
  /** vue-i18n's `t`: the lines are said in the page's language. */
  t: Translate
  /** Count changes are said at most this often; the latest count wins. @default 10000 */
  countIntervalMs?: number
  /** New messages are said at most this often; several in one interval are said as "3 new messages". @default 1000 */
  messageIntervalMs?: number
  /** Lines kept in the region; older ones have been read and go. @default 5 */
  keptLines?: number
}

export interface AnnouncedLine { id: number, text: string }

export interface UseRoomAnnouncerReturn {
  /** What the room's one polite live region holds, oldest first: each added line is read once. */
  lines: Readonly<Ref<AnnouncedLine[]>>
  close: () => void
}

interface Counts { online: number, members: number }

/**
 * What a screen reader is told about a room without looking: messages of
 * others as they arrive, and the online count when it changes, at most every
 * 10 s. What the join brought, and the reader's own messages, are not said.
 */
export function useRoomAnnouncer(options: UseRoomAnnouncerOptions): UseRoomAnnouncerReturn {
  const { timeline, online, members, self, threadReply, t, countIntervalMs = 10_000, messageIntervalMs = 1000, keptLines = 5 } = options

  const lines = shallowRef<AnnouncedLine[]>([])
  let lineId = 0
  // The highest seq already seen: a rejoin's history or an older page says nothing again.
  let seenUpTo: number | undefined
  let lastCounts: Counts | undefined

  function announce(text: string) {
    lines.value = [...lines.value, { id: ++lineId, text }].slice(-keptLines)
  }

  const messages = throttleAnnouncements<{ name: string, text: string }>({
    intervalMs: messageIntervalMs,
    say: said => (said.length === 1
      ? t('announce.message', { name: said[0]!.name, text: said[0]!.text })
      : t('announce.messages', { n: said.length })),
    announce,
  })

  const counts = throttleAnnouncements<Counts>({
    intervalMs: countIntervalMs,
    say: (said) => {
      const latest = said[said.length - 1]!
      if (lastCounts && latest.online === lastCounts.online && latest.members === lastCounts.members) return undefined
      lastCounts = latest
      return t('announce.counts', { online: latest.online, members: latest.members })
    },
    announce,
  })

  const stopMessages = watch([timeline, self], ([entries, member]) => {
    if (!member) return
    const from = seenUpTo
    let highest = seenUpTo ?? 0
    for (const entry of entries) {
      if (entry.kind !== 'chat') continue
      const { seq, from: sender, text, deleted } = entry.message
      if (from !== undefined && seq > from && !entry.mine && !deleted) messages.push({ name: sender.name, text })
      highest = Math.max(highest, seq)
    }
    seenUpTo = highest
  }, { immediate: true })

  const stopReplies = threadReply
    ? watch(threadReply, (reply) => {
        if (reply && !reply.deleted) messages.push({ name: reply.from.name, text: t('announce.inThread', { text: reply.text }) })
      })
    : () => {}

  const stopCounts = watch([online, members, self], ([onlineNow, membersNow, member]) => {
    if (!member) return
    // The counts the room opened with are on screen already, not news.
    if (!lastCounts) {
      lastCounts = { online: onlineNow, members: membersNow }
      return
    }
    counts.push({ online: onlineNow, members: membersNow })
  }, { immediate: true })

  function close() {
    stopMessages()
    stopReplies()
    stopCounts()
    messages.close()
    counts.close()
  }

  if (getCurrentScope()) onScopeDispose(close)

  return { lines, close }
}
