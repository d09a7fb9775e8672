import { describe, expect, it } from 'vitest'
import { effectScope, shallowRef } from 'vue'
import { useUnreadLine } from '~/composables/useUnreadLine'
import { readVisit, rememberVisit } from '~/utils/room-visits'
import type { TimelineEntry } from '~/utils/timeline'
import { memoryStorage } from './heartbeat-socket-harness'

function chat(seq: number, mine = false): TimelineEntry {
  return { kind: 'chat', key: `m${seq}`, mine, message: { type: 'chat', seq, id: `m${seq}`, roomId: 'r', from: { id: 'u', name: 'u' }, text: `#${seq}`, at: 0 } }
}

function messages(from: number, to: number): TimelineEntry[] {
  return Array.from({ length: to - from + 1 }, (_, index) => chat(from + index))
}

function unreadLine(storage: ReturnType<typeof memoryStorage>, timeline = shallowRef<TimelineEntry[]>([])) {
  const scope = effectScope()
  const line = scope.run(() => useUnreadLine({ roomId: 'r', timeline, storage }))!
  return { ...line, timeline, stop: () => scope.stop() }
}

describe('useUnreadLine', () => {
  it('goes above the first message after the seen seq, where the lobby count of "Your rooms" starts', () => {
    const storage = memoryStorage()
    rememberVisit(storage, 'r', { seenSeq: 5 })
    const line = unreadLine(storage)
    line.timeline.value = messages(1, 8)
    expect(line.firstUnreadSeq.value).toBe(6)
    // The lobby's count for the same stored visit (pages/index.vue: lastSeq - seenSeq).
    const lobbyUnread = 8 - (readVisit(storage, 'r')?.seenSeq ?? 0)
    expect(line.timeline.value.filter(entry => entry.kind === 'chat' && entry.message.seq >= line.firstUnreadSeq.value!)).toHaveLength(lobbyUnread)
    line.stop()
  })

  it('is placed once: what arrives while the room is open does not move it, and the seen seq moving on does not either', () => {
    const storage = memoryStorage()
    rememberVisit(storage, 'r', { seenSeq: 3 })
    const line = unreadLine(storage)
    line.timeline.value = messages(1, 4)
    rememberVisit(storage, 'r', { seenSeq: 4 })
    line.timeline.value = messages(1, 6)
    expect(line.firstUnreadSeq.value).toBe(4)
    line.stop()
  })

  it('no line when nothing came since, or on a first visit', () => {
    const seen = memoryStorage()
    rememberVisit(seen, 'r', { seenSeq: 8 })
    const caughtUp = unreadLine(seen)
    caughtUp.timeline.value = messages(1, 8)
    caughtUp.timeline.value = messages(1, 9)
    expect(caughtUp.firstUnreadSeq.value).toBeUndefined()

    const firstVisit = unreadLine(memoryStorage())
    firstVisit.timeline.value = messages(1, 8)
    expect(firstVisit.firstUnreadSeq.value).toBeUndefined()
  })

  it('waits for the first messages: an empty timeline (before joined) places nothing', () => {
    const storage = memoryStorage()
    rememberVisit(storage, 'r', { seenSeq: 2 })
    const line = unreadLine(storage)
    expect(line.firstUnreadSeq.value).toBeUndefined()
    line.timeline.value = [chat(3)]
    expect(line.firstUnreadSeq.value).toBe(3)
  })
})
