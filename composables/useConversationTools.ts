import type { ChatMessage, ServerFrame, SlowModeSeconds } from '../shared/protocol'
import type { OutboxItem } from '../utils/outbox'
import type { ChatEntry } from '../utils/timeline'
import { useMessageFinder } from './useMessageFinder'
import type { FinderRequest, UseMessageFinderReturn } from './useMessageFinder'
import { usePinnedMessages } from './usePinnedMessages'
import type { UsePinnedMessagesReturn } from './usePinnedMessages'
import { useSlowMode } from './useSlowMode'
import type { UseSlowModeReturn } from './useSlowMode'
import { useThread } from './useThread'
import type { ThreadPageRequest, UseThreadReturn } from './useThread'

type ToolFrame = FinderRequest | ThreadPageRequest | { type: 'pin', id: string, pinned: boolean } | { type: 'slowMode', seconds: SlowModeSeconds }

export interface UseConversationToolsOptions {
  /** Sends on the room's link while joined; false when it could not go now. */
  send: (frame: ToolFrame) => boolean
  selfId: () => string | undefined
  /** The reader owns the room. */
  isOwner: () => boolean
  /** A message of the main timeline, to show a thread's root. @default () => undefined */
  findMessage?: (id: string) => ChatMessage | undefined
  /** This member's unacknowledged messages: a thread shows its own. @default () => [] */
  pending?: () => readonly OutboxItem[]
  /** The reader's name, on their pending replies. @default () => '' */
  selfName?: () => string
}

export interface UseConversationToolsReturn {
  finder: UseMessageFinderReturn
  pins: UsePinnedMessagesReturn
  slowMode: UseSlowModeReturn
  /** The thread open in the side panel (useThread). */
  thread: UseThreadReturn
  /**
   * Takes what of `frame` is theirs; true when the frame is wholly handled
   * (search results, a page around a message, pins, a slow mode change), false
   * when the room must take it too, or instead.
   */
  takeFrame: (frame: ServerFrame) => boolean
  /** The room has taken a `joined`: what it needs asked again goes now. */
  afterJoin: () => void
  /** Stops every timer of the tools. */
  stop: () => void
}

/** The ways to find, follow and pace a conversation (issue 23), fed by the room's frames in one place. */
export function useConversationTools(options: UseConversationToolsOptions): UseConversationToolsReturn {
  const { send, selfId, isOwner, findMessage = () => undefined, pending = () => [], selfName = () => '' } = options
  const finder = useMessageFinder({ send, selfId })
  const pins = usePinnedMessages({ send })
  const slowMode = useSlowMode({ send, exempt: isOwner })
  // A root is found where the page holds it: the timeline, the page around a message, the search results.
  const findRoot = (id: string) => findMessage(id)
    ?? finder.context.value?.entries.find((entry): entry is ChatEntry => entry.kind === 'chat' && entry.message.id === id)?.message
    ?? finder.results.value.find(message => message.id === id)
  const thread = useThread({ send, selfId, findMessage: findRoot, pending, selfName })

  function takeFrame(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'searchResults':
        finder.takeResults(frame)
        return true
      case 'history': return thread.takePage(frame) || finder.takeContext(frame)
      case 'pins':
        pins.take(frame)
        return true
      case 'slowMode':
        slowMode.take(frame.seconds)
        return true
      case 'joined':
        pins.takeJoined(frame)
        slowMode.take(frame.slowMode ?? 0)
        // A resume replays replies too; the open thread asks for its newest page once the join is taken (afterJoin).
        for (const message of frame.history) thread.takeReply(message)
        return false
      case 'chat':
        if (frame.from.id === selfId()) slowMode.sent()
        thread.heard(frame)
        return false
      case 'edited':
      case 'reaction':
      case 'deleted':
        finder.applyChange(frame)
        pins.applyChange(frame)
        thread.applyChange(frame)
        return false
      case 'error':
        if (frame.code === 'SLOW_MODE') slowMode.waitFor(frame.retryAfterMs ?? 1000)
        // A refused search or page around a message: nothing is on its way any more.
        if (frame.code === 'RATE_LIMITED' && !frame.clientId) {
          finder.refused()
          thread.refused(frame.retryAfterMs ?? 1000)
        }
        return false
    }
    return false
  }

  return { finder, pins, slowMode, thread, takeFrame, afterJoin: thread.rejoined, stop: () => {
    slowMode.stop()
    thread.stop()
  } }
}
