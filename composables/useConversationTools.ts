import type { ServerFrame, SlowModeSeconds } from '../shared/protocol'
import { useMessageFinder } from './useMessageFinder'
import type { FinderRequest, UseMessageFinderReturn } from './useMessageFinder'
import { usePinnedMessages } from './usePinnedMessages'
import type { UsePinnedMessagesReturn } from './usePinnedMessages'
import { useSlowMode } from './useSlowMode'
import type { UseSlowModeReturn } from './useSlowMode'

type ToolFrame = FinderRequest | { type: 'pin', id: string, pinned: boolean } | { type: 'slowMode', seconds: SlowModeSeconds }

export interface UseConversationToolsOptions {
  /** Sends on the room's link while joined; false when it could not go now. */
  send: (frame: ToolFrame) => boolean
  selfId: () => string | undefined
  /** The reader owns the room. */
  isOwner: () => boolean
}

export interface UseConversationToolsReturn {
  finder: UseMessageFinderReturn
  pins: UsePinnedMessagesReturn
  slowMode: UseSlowModeReturn
  /**
   * Takes what of `frame` is theirs; true when the frame is wholly handled
   * (search results, a page around a message, pins, a slow mode change), false
   * when the room must take it too, or instead.
   */
  takeFrame: (frame: ServerFrame) => boolean
}

/** The ways to find, follow and pace a conversation (issue 23), fed by the room's frames in one place. */
export function useConversationTools({ send, selfId, isOwner }: UseConversationToolsOptions): UseConversationToolsReturn {
  const finder = useMessageFinder({ send, selfId })
  const pins = usePinnedMessages({ send })
  const slowMode = useSlowMode({ send, exempt: isOwner })

  function takeFrame(frame: ServerFrame): boolean {
    switch (frame.type) {
      case 'searchResults':
        finder.takeResults(frame)
        return true
      case 'history': return finder.takeContext(frame)
      case 'pins':
        pins.take(frame)
        return true
      case 'slowMode':
        slowMode.take(frame.seconds)
        return true
      case 'joined':
        pins.takeJoined(frame)
        slowMode.take(frame.slowMode ?? 0)
        return false
      case 'chat':
        if (frame.from.id === selfId()) slowMode.sent()
        return false
      case 'edited':
      case 'reaction':
      case 'deleted':
        finder.applyChange(frame)
        pins.applyChange(frame)
        return false
      case 'error':
        if (frame.code === 'SLOW_MODE') slowMode.waitFor(frame.retryAfterMs ?? 1000)
        // A refused search or page around a message: nothing is on its way any more.
        if (frame.code === 'RATE_LIMITED' && !frame.clientId) finder.refused()
        return false
    }
    return false
  }

  return { finder, pins, slowMode, takeFrame }
}
