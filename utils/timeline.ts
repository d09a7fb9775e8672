import type { ChatMessage, MemberPresence, PresenceFrame, ServerFrame } from '../shared/protocol'

export type TimelineEntry =
  | { kind: 'chat', key: string, message: ChatMessage, mine: boolean }
  | { kind: 'system', key: string, text: string, at: number }

// A rejoin's history repeats messages already shown (same seq, same id). The key
// holds the id as well as the seq because a restarted server counts seq from 1
// again, and its new messages must not be dropped as repeats of old ones.
function chatEntryKey(message: ChatMessage): string {
  return `chat:${message.seq}:${message.id}`
}

/** The entries for `messages` that `timeline` does not show yet, in seq order. */
export function mergeChatMessages(
  timeline: readonly TimelineEntry[],
  messages: readonly ChatMessage[],
  selfId: string | undefined,
): TimelineEntry[] {
  const shown = new Set(timeline.map(entry => entry.key))
  const fresh: TimelineEntry[] = []
  for (const message of [...messages].sort((a, b) => a.seq - b.seq)) {
    const key = chatEntryKey(message)
    if (shown.has(key)) continue
    shown.add(key)
    fresh.push({ kind: 'chat', key, message, mine: message.from.id === selfId })
  }
  return fresh
}

/** Applies a presence frame to the member list; `lines` say who joined and who left. */
export function mergePresence(
  users: readonly MemberPresence[],
  { changed, left }: Pick<PresenceFrame, 'changed' | 'left'>,
): { users: MemberPresence[], lines: string[] } {
  let next = [...users]
  const lines: string[] = []
  for (const member of changed) {
    if (next.some(user => user.id === member.id)) {
      next = next.map(user => (user.id === member.id ? member : user))
    }
    else {
      next.push(member)
      lines.push(`${member.name} joined`)
    }
  }
  for (const id of left) {
    const gone = next.find(user => user.id === id)
    if (!gone) continue
    next = next.filter(user => user !== gone)
    lines.push(`${gone.name} left`)
  }
  return { users: next, lines }
}

/** One text frame from the server, or undefined when it is not a frame at all. */
export function parseServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined
  try {
    const frame: unknown = JSON.parse(data)
    const isFrame = typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string'
    return isFrame ? frame as ServerFrame : undefined
  }
  catch {
    return undefined
  }
}
