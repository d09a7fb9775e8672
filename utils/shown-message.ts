import type { FileInfo, Reactions, ReplyRef, ThreadSummary } from '../shared/protocol'

/** A message as a message item shows it: posted, or still pending in the outbox (no `id`). */
export interface ShownMessage {
  sender: string
  text: string
  /** When it was said (posted) or written (pending), ms since the epoch. */
  at: number
  /** The server's id: only a posted message has actions. */
  id?: string
  replyTo?: ReplyRef
  /** The quoted message was deleted since: the quote says so instead of its old text. */
  replyDeleted?: boolean
  reactions?: Reactions
  edited?: boolean
  deleted?: boolean
  /** The room's owner, not the author, deleted it. */
  deletedByOwner?: boolean
  /** Files sent with the message; the text is then their caption and may be empty. */
  attachments?: FileInfo[]
  /** Sealed (an end-to-end encrypted room) and it did not open: `text` says so, and nothing of it is shown. */
  undecryptable?: boolean
  /** Sealed under an earlier password of the room, whose key this reader never had: `text` says so (with `undecryptable`, shown the same way). */
  earlierKey?: boolean
  /** It started a thread: how many replies, and when the last came. */
  thread?: ThreadSummary
}
