import type { Ref } from 'vue'
import { shallowRef } from 'vue'
import type { ChatMessage, JoinedFrame, MemberPresence, PresenceFrame } from '../shared/protocol'
import { mergeChatMessages, mergePresence } from '../utils/timeline'
import type { TimelineEntry } from '../utils/timeline'

export interface UseRoomStateReturn {
  online: Ref<number>
  members: Ref<number>
  users: Ref<MemberPresence[]>
  self: Ref<{ id: string, name: string } | undefined>
  timeline: Ref<TimelineEntry[]>
  /** Takes the member, presence and history of a (re)join; history already shown is skipped. */
  applyJoined: (frame: JoinedFrame) => void
  /** Takes the counts of a pong or presence frame. */
  applyCounts: (counts: { online: number, members: number }) => void
  /** Takes a presence frame and adds "<name> joined" / "<name> left" lines. */
  applyPresence: (frame: PresenceFrame) => void
  /** Adds the messages the timeline does not show yet. */
  appendMessages: (messages: ChatMessage[]) => void
}

/** The room as the server's frames describe it: counts, members and a timeline of at most `historyLimit` entries. */
export function useRoomState(historyLimit: number): UseRoomStateReturn {
  const online = shallowRef(0)
  const members = shallowRef(0)
  const users = shallowRef<MemberPresence[]>([])
  const self = shallowRef<{ id: string, name: string }>()
  const timeline = shallowRef<TimelineEntry[]>([])
  let systemLineCount = 0

  function appendEntries(entries: TimelineEntry[]) {
    if (entries.length > 0) timeline.value = [...timeline.value, ...entries].slice(-historyLimit)
  }

  function appendMessages(messages: ChatMessage[]) {
    appendEntries(mergeChatMessages(timeline.value, messages, self.value?.id))
  }

  function applyCounts(counts: { online: number, members: number }) {
    online.value = counts.online
    members.value = counts.members
  }

  function applyJoined(frame: JoinedFrame) {
    self.value = frame.you
    users.value = frame.presence.users
    applyCounts(frame.presence)
    appendMessages(frame.history)
  }

  function applyPresence(frame: PresenceFrame) {
    applyCounts(frame)
    const { users: next, lines } = mergePresence(users.value, frame)
    users.value = next
    const at = Date.now()
    appendEntries(lines.map(text => ({ kind: 'system', key: `system:${++systemLineCount}`, text, at })))
  }

  return { online, members, users, self, timeline, applyJoined, applyCounts, applyPresence, appendMessages }
}
