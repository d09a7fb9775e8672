import type { MaybeRefOrGetter } from 'vue'
import { toValue } from 'vue'
import { LIMITS, textFits } from '../shared/protocol'
import type { CipherEnvelopeFrame, ErrorCode, FileInfo } from '../shared/protocol'
import { ignoreStorageErrors } from './client-storage'
import type { ClientStorage } from './client-storage'

/** A message written by this member that the server has not acknowledged yet. */
export interface OutboxItem {
  /** The sender's own id for the message: a re-send with it is answered with the original, never posted twice. */
  clientId: string
  text: string
  /** When it was written, client time in ms since the epoch. */
  writtenAt: number
  /** The id of the message it answers. */
  replyTo?: string
  /** A reply in a thread: the root's id. It shows in the thread's panel, not the main timeline. */
  threadId?: string
  /** Files uploaded for it: their ids go in the frame, the rest shows while it is pending. */
  attachments?: FileInfo[]
  /** The server refused it for what it carries: it is not sent again, and shows as not sent until discarded. */
  refused?: { code: ErrorCode, message: string }
  /** In an end-to-end encrypted room: the text (and files' details) sealed, bound to the clientId; the frame's text is then ''. */
  cipher?: CipherEnvelopeFrame
}

export interface OutboxStore {
  read: () => OutboxItem[]
  add: (item: OutboxItem) => void
  remove: (clientIds: readonly string[]) => void
  /** Rewrites stored items in place, keeping their order. */
  update: (change: (item: OutboxItem) => OutboxItem) => void
  forget: () => void
}

/** Text the server would accept; anything else would stay in the outbox for ever. */
export function isSendableText(text: string): boolean {
  return text.trim().length > 0 && textFits(text)
}

/** A message the server would accept: text, or files with a caption that may be empty. */
export function isSendableMessage(text: string, attachments: readonly unknown[] = []): boolean {
  if (attachments.length === 0) return isSendableText(text)
  return attachments.length <= LIMITS.attachmentsPerMessage && textFits(text)
}

// crypto.randomUUID exists only in secure contexts, and a LAN http page is not one.
export function randomClientId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), byte => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * The unsent messages of the room, kept under `heartbeat:outbox:<roomId>` so a
 * reload sends them after its join. Every change re-reads the stored list, so
 * two tabs of the room add to it rather than overwrite each other's messages.
 */
export function outboxStore(storage: ClientStorage | undefined, roomId: MaybeRefOrGetter<string>): OutboxStore {
  const key = () => `heartbeat:outbox:${toValue(roomId)}`

  function read(): OutboxItem[] {
    const stored = ignoreStorageErrors(() => storage?.getItem(key()))
    if (!stored) return []
    try {
      const items: unknown = JSON.parse(stored)
      return Array.isArray(items) ? items.filter(isOutboxItem) : []
    }
    catch {
      return []
    }
  }

  function write(items: OutboxItem[]) {
    ignoreStorageErrors(() => (items.length > 0
      ? storage?.setItem(key(), JSON.stringify(items))
      : storage?.removeItem(key())))
  }

  return {
    read,
    add: item => write([...read().filter(stored => stored.clientId !== item.clientId), item]),
    remove: clientIds => write(read().filter(stored => !clientIds.includes(stored.clientId))),
    update: change => write(read().map(change)),
    forget: () => ignoreStorageErrors(() => storage?.removeItem(key())),
  }
}

// Storage is shared with whatever else runs on the origin: take only what could have been ours.
function isOutboxItem(value: unknown): value is OutboxItem {
  const item = value as Partial<OutboxItem> | null
  return typeof item === 'object' && item !== null
    && typeof item.clientId === 'string' && item.clientId.length > 0 && item.clientId.length <= LIMITS.clientIdMaxLength
    && typeof item.text === 'string'
    && (item.threadId === undefined || typeof item.threadId === 'string')
    && (item.attachments === undefined || (Array.isArray(item.attachments) && item.attachments.every(isStoredFile)))
    && isSendableMessage(item.text, item.attachments)
    && typeof item.writtenAt === 'number'
    && (item.replyTo === undefined || (typeof item.replyTo === 'string' && item.replyTo.length <= LIMITS.messageIdMaxLength))
    && (item.refused === undefined || (typeof item.refused === 'object' && item.refused !== null
      && typeof item.refused.code === 'string' && typeof item.refused.message === 'string'))
    && (item.cipher === undefined || (typeof item.cipher === 'object' && item.cipher !== null && item.cipher.v === 1
      && typeof item.cipher.iv === 'string' && typeof item.cipher.data === 'string'))
}

function isStoredFile(value: unknown): value is FileInfo {
  const file = value as Partial<FileInfo> | null
  return typeof file === 'object' && file !== null && typeof file.id === 'string' && file.id.length <= LIMITS.messageIdMaxLength
    && typeof file.name === 'string' && typeof file.type === 'string' && typeof file.size === 'number' && typeof file.url === 'string'
}
