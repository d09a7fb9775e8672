import { generationOf } from '../shared/protocol'
import type { ChatMessage, CipherEnvelopeFrame, EditFrame, FileInfo } from '../shared/protocol'
import { randomClientId } from '../utils/outbox'
import { roomGenerationOf, roomKeyOf } from '../utils/e2ee/key-ring'
import { openMessage, sealedContentFits, sealMessage } from '../utils/e2ee/sealed-message'
import type { SealedContent, SealedFileMeta } from '../utils/e2ee/sealed-message'

export interface UseSealedSendingOptions {
  roomId: () => string
  /** This member's id once joined: the author every sealed text is bound to. */
  selfId: () => string | undefined
  /** A message held in the timeline, for an edit to keep what its files were. */
  findMessage: (id: string) => ChatMessage | undefined
  /**
   * The room's content key.
   * @default roomKeyOf (utils/e2ee/key-ring.ts)
   */
  roomKey?: (roomId: string, generation?: number) => Promise<CryptoKey | undefined>
  /**
   * The room's key generation, said in each envelope.
   * @default roomGenerationOf (utils/e2ee/key-ring.ts)
   */
  generation?: (roomId: string) => number
}

export interface UseSealedSendingReturn {
  /** Seals a chat, then hands it over with the clientId it is bound to; false when it cannot be sealed (no key, too large). */
  chat: (text: string, attachments: FileInfo[] | undefined, queue: (sealed: { clientId: string, cipher: CipherEnvelopeFrame }) => void) => boolean
  /** Seals again, under the same clientId, a message refused as sealed with an older key, with the room's current one. */
  reseal: (clientId: string, text: string, attachments: FileInfo[] | undefined, done: (cipher: CipherEnvelopeFrame | undefined) => void) => void
  /** Seals an edit of an own message (keeping its files' details), then sends it. */
  edit: (id: string, text: string, send: (frame: EditFrame) => void) => boolean
}

/** The sealed details of a file as the page knows them: what the upload composable kept of the plain file. */
export type SealableFile = FileInfo & { sealed?: Omit<SealedFileMeta, 'id'> }

/**
 * Sealing for an end-to-end encrypted room. WebCrypto is asynchronous, so each
 * message waits for the one before it to be sealed: they reach the outbox in
 * the order they were written.
 */
export function useSealedSending({ roomId, selfId, findMessage, roomKey = roomKeyOf, generation = roomGenerationOf }: UseSealedSendingOptions): UseSealedSendingReturn {
  let sealing: Promise<unknown> = Promise.resolve()

  function after(step: () => Promise<void>) {
    sealing = sealing.then(step).catch(() => {})
  }

  function filesOf(attachments: FileInfo[] | undefined): SealedFileMeta[] | undefined {
    const sealed = (attachments as SealableFile[] | undefined)?.flatMap(file => (file.sealed ? [{ id: file.id, ...file.sealed }] : []))
    return sealed?.length ? sealed : undefined
  }

  function chat(text: string, attachments: FileInfo[] | undefined, queue: (sealed: { clientId: string, cipher: CipherEnvelopeFrame }) => void): boolean {
    const authorId = selfId()
    const files = filesOf(attachments)
    const content: SealedContent = { text, ...(files ? { files } : {}) }
    if (!authorId || !sealedContentFits(content)) return false
    const clientId = randomClientId()
    const room = roomId()
    after(async () => {
      const at = generation(room)
      const key = await roomKey(room, at)
      if (key) queue({ clientId, cipher: await sealMessage(key, { roomId: room, authorId, clientId }, content, at) })
    })
    return true
  }

  function reseal(clientId: string, text: string, attachments: FileInfo[] | undefined, done: (cipher: CipherEnvelopeFrame | undefined) => void) {
    const authorId = selfId()
    const files = filesOf(attachments)
    const room = roomId()
    if (!authorId) return
    after(async () => {
      const at = generation(room)
      const key = await roomKey(room, at)
      done(key && await sealMessage(key, { roomId: room, authorId, clientId }, { text, ...(files ? { files } : {}) }, at))
    })
  }

  function edit(id: string, text: string, send: (frame: EditFrame) => void): boolean {
    const message = findMessage(id)
    const authorId = selfId()
    if (!message?.clientId || !authorId || message.from.id !== authorId) return false
    const room = roomId()
    after(async () => {
      const at = generation(room)
      const key = await roomKey(room, at)
      if (!key) return
      // The files stay as they were: their details are in the old sealed text.
      const earlier = message.cipher && await roomKey(room, generationOf(message.cipher))
      const before = earlier ? await openMessage(earlier, message) : null
      const content: SealedContent = { text, ...(before?.files ? { files: before.files } : {}) }
      if (!sealedContentFits(content)) return
      send({ type: 'edit', id, text: '', cipher: await sealMessage(key, { roomId: room, authorId, clientId: message.clientId! }, content, at) })
    })
    return true
  }

  return { chat, reseal, edit }
}
