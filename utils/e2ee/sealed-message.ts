// What a message of an end-to-end encrypted room seals: its text and, for
// files, what the server must not learn of them (name, type, size, an
// image's size and its thumbnail's file id). The server sees only `cipher`.
import { E2EE_LIMITS, FIRST_KEY_GENERATION } from '../../shared/protocol'
import type { ChatMessage, CipherEnvelopeFrame } from '../../shared/protocol'
import { decryptText, encryptText } from './envelope'

/** One file as its message seals it; `id` is the server's id of the sealed blob. */
export interface SealedFileMeta {
  id: string
  name: string
  type: string
  size: number
  width?: number
  height?: number
  /** The server's id of the sealed thumbnail, itself an attachment of the message. */
  thumbId?: string
  /** The file's own random id, its bytes' associated data (sealed-file.ts). */
  key?: string
}

export interface SealedContent {
  text: string
  files?: SealedFileMeta[]
}

export interface MessageBinding {
  roomId: string
  authorId: string
  clientId: string
}

const encoder = new TextEncoder()

/** Whether the content fits what the server takes sealed (E2EE_LIMITS.sealedPlainMaxBytes). */
export function sealedContentFits(content: SealedContent): boolean {
  return encoder.encode(JSON.stringify(content)).length <= E2EE_LIMITS.sealedPlainMaxBytes
}

/**
 * `generation`: the room's key generation `key` belongs to, said in the
 * envelope (`k`) so that a reader knows which key opens it and the server
 * which password sealed it; the first is left out, as envelopes sealed
 * before password changes were.
 */
export async function sealMessage(key: CryptoKey, binding: MessageBinding, content: SealedContent, generation = FIRST_KEY_GENERATION): Promise<CipherEnvelopeFrame> {
  const envelope = await encryptText(key, JSON.stringify(content), { ...binding, purpose: 'text' })
  return generation === FIRST_KEY_GENERATION ? envelope : { ...envelope, k: generation }
}

function isSealedContent(value: unknown): value is SealedContent {
  if (typeof value !== 'object' || value === null) return false
  const { text, files } = value as Record<string, unknown>
  return typeof text === 'string' && (files === undefined || (Array.isArray(files) && files.every(file => typeof file?.id === 'string' && typeof file?.name === 'string')))
}

/**
 * The content of a sealed message, or null when it does not open: tampered,
 * another key, moved from another message (its clientId, author or room).
 */
export async function openMessage(key: CryptoKey, message: Pick<ChatMessage, 'roomId' | 'from' | 'clientId' | 'cipher'>): Promise<SealedContent | null> {
  if (!message.cipher || !message.clientId) return null
  const plain = await decryptText(key, message.cipher, { roomId: message.roomId, authorId: message.from.id, clientId: message.clientId, purpose: 'text' })
  if (plain === null) return null
  try {
    const content: unknown = JSON.parse(plain)
    return isSealedContent(content) ? content : null
  }
  catch {
    return null
  }
}
