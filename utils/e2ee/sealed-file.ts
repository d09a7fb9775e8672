// Files of an end-to-end encrypted room: sealed in the browser before upload,
// with a thumbnail made here for an image (the server makes none of a sealed
// file). Each file has a random id of its own in the associated data, kept in
// the message's sealed content, so that the server cannot swap two files.
import { E2EE_LIMITS } from '../../shared/protocol'
import { bytesToBase64url } from './base64url'
import { decryptBytes, encryptBytes } from './envelope'
import type { CipherPurpose } from './envelope'
import type { SealedFileMeta } from './sealed-message'

/** What the sealed message says of a file, but its server ids (known once uploaded). */
export type SealedFileDraft = Omit<SealedFileMeta, 'id' | 'thumbId'>

export interface SealedUpload {
  /** The bytes to upload: opaque, named `sealed`. */
  blob: Blob
  draft: SealedFileDraft
  /** An image's thumbnail, sealed; uploaded before the file. */
  thumb?: Blob
}

/** The longest side of a thumbnail, as the server makes them of plain images. */
const THUMB_SIDE = 320
/** The name every sealed upload has on the server. */
export const SEALED_NAME = 'sealed'

async function sealBlob(key: CryptoKey, bytes: Uint8Array<ArrayBuffer>, roomId: string, authorId: string, fileKey: string, purpose: CipherPurpose): Promise<Blob> {
  return new Blob([await encryptBytes(key, bytes, { roomId, authorId, clientId: fileKey, purpose })], { type: 'application/octet-stream' })
}

/** A WebP thumbnail and the image's size, or undefined where the browser cannot draw it. */
async function thumbnailOf(image: Blob): Promise<{ thumb: Blob, width: number, height: number } | undefined> {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas === 'undefined') return undefined
  try {
    const bitmap = await createImageBitmap(image)
    const scale = Math.min(1, THUMB_SIDE / Math.max(bitmap.width, bitmap.height))
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)))
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
    const { width, height } = bitmap
    bitmap.close()
    return { thumb: await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 }), width, height }
  }
  catch {
    return undefined
  }
}

export async function sealFile(key: CryptoKey, roomId: string, authorId: string, file: Blob, name: string): Promise<SealedUpload> {
  const fileKey = bytesToBase64url(crypto.getRandomValues(new Uint8Array(16)))
  const type = file.type || 'application/octet-stream'
  const shown = type.startsWith('image/') ? await thumbnailOf(file) : undefined
  const draft: SealedFileDraft = {
    name: Array.from(name).slice(0, E2EE_LIMITS.fileNameMaxLength).join(''),
    type,
    size: file.size,
    key: fileKey,
    ...(shown ? { width: shown.width, height: shown.height } : {}),
  }
  const blob = await sealBlob(key, new Uint8Array(await file.arrayBuffer()), roomId, authorId, fileKey, 'file')
  if (!shown) return { blob, draft }
  return { blob, draft, thumb: await sealBlob(key, new Uint8Array(await shown.thumb.arrayBuffer()), roomId, authorId, fileKey, 'thumb') }
}

/** The plain bytes of a sealed file (or its thumbnail) as a Blob of its type; null when they do not open. */
export async function openFile(key: CryptoKey, roomId: string, authorId: string, sealed: ArrayBuffer, meta: SealedFileMeta, purpose: 'file' | 'thumb'): Promise<Blob | null> {
  const plain = await decryptBytes(key, new Uint8Array(sealed), { roomId, authorId, clientId: meta.key ?? meta.id, purpose })
  return plain && new Blob([plain], { type: purpose === 'thumb' ? 'image/webp' : meta.type })
}
