import { computed } from 'vue'
import type RoomMessageItem from '../components/room/RoomMessageItem.vue'
import { replyExcerpt } from '../shared/protocol'
import type { ChatMessage } from '../shared/protocol'
import { mentions } from '../utils/conversation'
import type { ChatEntry, PendingEntry, TimelineEntry } from '../utils/timeline'
import { shownContentOf } from './useRoomPage'
import type { RoomPage } from './useRoomPage'

export type MessageItemProps = InstanceType<typeof RoomMessageItem>['$props']

export interface UseShownMessagesOptions {
  /** The entries shown: a quote of one of them shows it as it is now. */
  timeline: () => readonly TimelineEntry[]
  /** The room, whose sealed messages are opened (useSealedMessages); null without one (a test's list). */
  page: Pick<RoomPage, 'sealed'> | null
  /** Says an undecryptable message as the page's language does. */
  t: (key: string) => string
  selfId: () => string | undefined
  /** Messages that say `@selfName` are marked. */
  selfName: () => string | undefined
  /** The reader owns the room: it may delete anyone's message. */
  canDeleteAny: () => boolean | undefined
  /** The message a search result or pin chose. */
  highlightSeq: () => number | undefined
  canPin: () => boolean | undefined
  pinnedIds: () => readonly string[] | undefined
}

export interface UseShownMessagesReturn {
  /** What a message item shows of an entry. */
  messageProps: (entry: ChatEntry | PendingEntry, showHeader: boolean) => MessageItemProps
}

/** What each message of a list shows: opened when sealed, its quote as the quoted message is now, its marks and actions. */
export function useShownMessages(options: UseShownMessagesOptions): UseShownMessagesReturn {
  const { timeline, page, t, selfId, selfName, canDeleteAny, highlightSeq, canPin, pinnedIds } = options

  // A reply carries an excerpt taken when it was sent. While the quoted message
  // is loaded here, the quote shows it as it is now: edited, or deleted.
  const loadedMessages = computed(() => new Map(timeline().flatMap(entry => entry.kind === 'chat' ? [[entry.message.id, entry.message] as const] : [])))

  function currentQuote(replyTo: ChatMessage['replyTo']): { replyTo?: ChatMessage['replyTo'], replyDeleted?: boolean } {
    const quoted = replyTo && loadedMessages.value.get(replyTo.id)
    if (replyTo?.deleted) return { replyTo, replyDeleted: true }
    if (!replyTo || !quoted) return { replyTo }
    if (quoted.deleted) return { replyTo: { ...replyTo, excerpt: '' }, replyDeleted: true }
    return { replyTo: { ...replyTo, excerpt: replyExcerpt(shownContentOf(page, quoted).text) } }
  }

  // One branch for both kinds, so an acknowledged message patches the element it
  // had while pending instead of replacing it.
  function messageProps(entry: ChatEntry | PendingEntry, showHeader: boolean): MessageItemProps {
    if (entry.kind === 'pending') {
      const message = { sender: entry.senderName, text: entry.text, at: entry.writtenAt, attachments: entry.attachments }
      return { message, mine: true, delivery: entry.refused ? 'refused' : 'sending', showHeader }
    }
    const { message, mine } = entry
    const content = shownContentOf(page, message)
    return {
      message: {
        sender: message.from.name,
        text: content.undecryptable ? t('e2ee.undecryptable') : content.earlierKey ? t('e2ee.earlierKey') : content.text,
        ...(content.undecryptable || content.earlierKey ? { undecryptable: true } : {}),
        ...(content.earlierKey ? { earlierKey: true } : {}),
        at: message.at,
        id: message.id,
        ...currentQuote(message.replyTo),
        reactions: message.reactions,
        edited: message.editedAt !== undefined,
        deleted: message.deleted,
        deletedByOwner: message.deletedBy === 'owner',
        attachments: content.files && page?.sealed ? page.sealed.filesOf(message, content.files) : message.attachments,
        ...(message.thread ? { thread: message.thread } : {}),
      },
      mine,
      delivery: mine ? 'sent' : undefined,
      showHeader,
      selfId: selfId(),
      canDelete: mine || canDeleteAny(),
      mentioned: !mine && !message.deleted && mentions(content.text, selfName()),
      highlighted: message.seq === highlightSeq(),
      canPin: canPin(),
      pinned: pinnedIds()?.includes(message.id),
      // Threads are one level deep: a reply starts none.
      canThread: message.threadId === undefined,
    }
  }

  return { messageProps }
}
