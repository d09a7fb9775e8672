import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import type { ChatMessage, HistoryPageFrame, JoinedFrame, MemberPresence, PresenceFrame, RoomUpdatedFrame, RoomVisibility } from '../shared/protocol'
import { withMessageChange } from '../utils/conversation'
import type { MessageChangeFrame } from '../utils/conversation'
import type { LocalText } from '../utils/local-text'
import { highestSeq, mergeChatMessages, mergePresence } from '../utils/timeline'
import { isThreadReply, withThreadReplies } from '../utils/thread-summary'
import type { TimelineEntry } from '../utils/timeline'

export interface UseRoomStateReturn {
  online: Ref<number>
  members: Ref<number>
  users: Ref<MemberPresence[]>
  self: Ref<{ id: string, name: string } | undefined>
  /** The room's title, as the last `joined` or `room` frame said. */
  title: Ref<string | undefined>
  visibility: Ref<RoomVisibility | undefined>
  /** The member id of the room's owner. */
  owner: Ref<string | undefined>
  /** In a private room, the other member. */
  peer: Ref<{ id: string, name: string } | undefined>
  /** Messages the server has posted, and system lines; never the pending ones. */
  timeline: Ref<TimelineEntry[]>
  /**
   * Takes the member, presence and history of a (re)join. History already shown
   * is skipped; when the server could not recover what came after `lastSeq()`,
   * the messages are replaced by its history, with a line saying so.
   */
  applyJoined: (frame: JoinedFrame) => void
  /** Takes the counts of a pong or presence frame. */
  applyCounts: (counts: { online: number, members: number }) => void
  /** Takes a presence frame and adds "<name> joined" / "<name> left" lines. */
  applyPresence: (frame: PresenceFrame) => void
  /** Adds the messages the timeline does not show yet, in seq order; a thread reply counts into its root's summary instead. */
  appendMessages: (messages: ChatMessage[]) => void
  /** The highest seq shown or counted (thread replies too), for the next join's `lastSeq`. */
  lastSeq: () => number | undefined
  /** The lowest seq shown, for the next `history` request. */
  oldestSeq: () => number | undefined
  /** Whether the server may hold messages older than those shown. */
  hasOlder: Ref<boolean>
  /** Ids of the other members typing now. */
  typing: Ref<string[]>
  /** Puts an older page in front; the timeline may then grow up to `MAX_LOADED_ENTRIES`. */
  applyHistoryPage: (frame: HistoryPageFrame) => void
  /**
   * The `before` of the next `history` request that a `joined` with
   * `hasMore` calls for (the rest of a resume, or a first page when the
   * join brought none); undefined when nothing is missing.
   */
  missingBefore: () => number | undefined
  /** Takes a page asked for by missingBefore: merged in place, never a gap left silent. */
  applyMissingPage: (frame: HistoryPageFrame) => void
  /** Applies a reaction, edit or delete to the message shown. */
  applyMessageChange: (frame: MessageChangeFrame) => void
  /** Takes a `room` frame: the owner renamed the room. */
  applyRoomUpdate: (frame: RoomUpdatedFrame) => void
}

/** Entries kept at most once older pages were loaded: a bound on what scrolling back can hold. */
export const MAX_LOADED_ENTRIES = 5000

const UNRECOVERED_LINE: LocalText = { key: 'system.unrecovered' }
const PASSWORD_IGNORED_LINE: LocalText = { key: 'system.passwordIgnored' }
// Any seq is before this: asks for the newest page.
const NEWEST = Number.MAX_SAFE_INTEGER
// Thread replies remembered as counted; past this the memory starts again
// (a resume asks from the highest seq seen, so an old reply is not replayed).
const COUNTED_REPLIES_MAX = 10_000

/** The room as the server's frames describe it: counts, members and a timeline of at most `historyLimit` entries. */
export function useRoomState(historyLimit: number): UseRoomStateReturn {
  const online = shallowRef(0)
  const members = shallowRef(0)
  const users = shallowRef<MemberPresence[]>([])
  const self = shallowRef<{ id: string, name: string }>()
  const title = shallowRef<string>()
  const visibility = shallowRef<RoomVisibility>()
  const owner = shallowRef<string>()
  const peer = shallowRef<{ id: string, name: string }>()
  const timeline = shallowRef<TimelineEntry[]>([])
  const hasOlder = shallowRef(false)
  const typing = shallowRef<string[]>([])
  let pagesLoaded = false
  // Live messages trim the oldest past this; older pages raise it.
  let timelineCap = historyLimit
  let systemLineCount = 0
  let passwordIgnoredNoted = false
  // Messages after `after` and before `before` that a join left out (hasMore)
  // and the page is fetching; `after` undefined for a join that brought no
  // history at all, which needs one page.
  let missing: { after: number | undefined, before: number } | undefined
  // Replies are not in the timeline, so the highest one seen is kept apart: a
  // resume must not replay (and count again) what was already taken.
  let countedReplies = new Set<string>()
  let highestReplySeq: number | undefined

  function setTimeline(next: TimelineEntry[]) {
    if (next !== timeline.value) timeline.value = next.slice(-timelineCap)
  }

  /** `base` with the messages merged: main ones in place, thread replies into their roots' summaries. */
  function merged(base: TimelineEntry[], messages: readonly ChatMessage[]): TimelineEntry[] {
    const replies = messages.filter(isThreadReply)
    if (replies.length === 0) return mergeChatMessages(base, messages, self.value?.id)
    for (const reply of replies) highestReplySeq = Math.max(highestReplySeq ?? 0, reply.seq)
    if (countedReplies.size > COUNTED_REPLIES_MAX) countedReplies = new Set()
    const main = mergeChatMessages(base, messages.filter(message => !isThreadReply(message)), self.value?.id)
    return withThreadReplies(main, replies, countedReplies)
  }

  function lastSeq(): number | undefined {
    const shown = highestSeq(timeline.value)
    return highestReplySeq === undefined ? shown : Math.max(shown ?? 0, highestReplySeq)
  }

  function oldestSeq(): number | undefined {
    const oldest = timeline.value.find(entry => entry.kind === 'chat')
    return oldest?.kind === 'chat' ? oldest.message.seq : undefined
  }

  function applyHistoryPage(frame: HistoryPageFrame) {
    pagesLoaded = true
    hasOlder.value = frame.hasMore && frame.messages.length > 0
    timelineCap = Math.min(MAX_LOADED_ENTRIES, timelineCap + frame.messages.length)
    setTimeline(merged(timeline.value, frame.messages))
  }

  function applyMissingPage(frame: HistoryPageFrame) {
    if (!missing) return applyHistoryPage(frame)
    const { after } = missing
    const first = frame.messages[0]?.seq
    timelineCap = Math.min(MAX_LOADED_ENTRIES, timelineCap + frame.messages.length)
    setTimeline(merged(timeline.value, frame.messages))
    if (after === undefined) {
      // A join that brought nothing: this page is its history.
      missing = undefined
      hasOlder.value = frame.hasMore && frame.messages.length > 0
      return
    }
    if (first !== undefined && first > after + 1 && frame.hasMore) {
      // Never back to a later seq: a page that crossed a repeated request must not undo progress.
      missing = { after, before: Math.min(missing.before, first) }
      return
    }
    missing = undefined
    // The server no longer holds what came right after the messages shown: say so rather than leave a silent gap.
    if (first === undefined || first > after + 1) setTimeline([...timeline.value, systemLine(UNRECOVERED_LINE)])
  }

  function applyMessageChange(frame: MessageChangeFrame) {
    setTimeline(withMessageChange(timeline.value, frame))
  }

  function systemLine(text: LocalText): TimelineEntry {
    return { kind: 'system', key: `system:${++systemLineCount}`, text, at: Date.now() }
  }

  function appendMessages(messages: ChatMessage[]) {
    setTimeline(merged(timeline.value, messages))
  }

  function applyCounts(counts: { online: number, members: number }) {
    online.value = counts.online
    members.value = counts.members
  }

  function applyJoined(frame: JoinedFrame) {
    const shownBefore = lastSeq()
    self.value = frame.you
    title.value = frame.title || undefined
    visibility.value = frame.visibility
    owner.value = frame.owner
    peer.value = frame.peer
    users.value = frame.presence.users
    applyCounts(frame.presence)
    // The messages shown may come from a server that no longer has them (a
    // restart counts seq from 1 again), so they cannot be merged with its
    // history; the line makes the gap visible instead of silent.
    if (frame.recovered === false) {
      countedReplies = new Set()
      highestReplySeq = undefined
      setTimeline([...merged([], frame.history), systemLine(UNRECOVERED_LINE)])
    }
    else {
      appendMessages(frame.history)
    }
    typing.value = []
    if (!pagesLoaded || frame.recovered === false) hasOlder.value = (oldestSeq() ?? 1) > 1
    const firstSeq = frame.history[0]?.seq ?? NEWEST
    if (!frame.hasMore) missing = undefined
    else if (frame.recovered === true && shownBefore !== undefined) missing = { after: shownBefore, before: firstSeq }
    else missing = frame.history.length === 0 ? { after: undefined, before: NEWEST } : undefined
    // Said once: every rejoin carries the password again.
    if (frame.passwordIgnored && !passwordIgnoredNoted) {
      passwordIgnoredNoted = true
      setTimeline([...timeline.value, systemLine(PASSWORD_IGNORED_LINE)])
    }
  }

  function applyPresence(frame: PresenceFrame) {
    applyCounts(frame)
    const { users: next, lines } = mergePresence(users.value, frame)
    users.value = next
    if (lines.length > 0) setTimeline([...timeline.value, ...lines.map(systemLine)])
  }

  return {
    online,
    members,
    users,
    self,
    title,
    visibility,
    owner,
    peer,
    timeline,
    applyJoined,
    applyCounts,
    applyPresence,
    appendMessages,
    lastSeq,
    oldestSeq,
    hasOlder,
    typing,
    applyHistoryPage,
    missingBefore: () => missing?.before,
    applyMissingPage,
    applyMessageChange,
    applyRoomUpdate: (frame) => { title.value = frame.title || undefined },
  }
}
