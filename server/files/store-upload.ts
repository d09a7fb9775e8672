import { randomUUID } from 'node:crypto'
import { stat, unlink } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { fileTypeFromFile } from 'file-type'
import type { FileInfo } from '../../shared/protocol'
import type { RoomRecord } from '../rooms/types'
import { blobKeys, cleanFileName, fileUrl, newFileId, roomKeyOf } from './file-keys'
import { classify } from './file-kinds'
import type { FileKind } from './file-kinds'
import type { FileServiceOptions } from './file-service'
import type { ImageGate, ImageGateRefusal } from './image-gate'
import { ImageRefused, makeImage } from './images'
import { receiveUpload, UploadProblem } from './receive-upload'

const SEALED_FILE: FileKind = { kind: 'file', type: 'application/octet-stream' }

export type StoreUploadOptions = Pick<FileServiceOptions, 'blobs' | 'ledger' | 'stagingDir' | 'maxUploadBytes' | 'roomQuotaBytes' | 'pendingTtlMs'>

export interface StoredUpload {
  file: FileInfo
  size: number
  thumbBytes?: number
}

/**
 * One upload from its body to storage: received to a staging file, its kind
 * judged from its bytes, an image re-encoded (with a thumbnail) through the
 * shared image gate, then stored and counted against the room's quota.
 * Staging files are removed whatever happens; a refusal is an UploadProblem.
 */
export async function storeUpload(req: IncomingMessage, room: RoomRecord, memberId: string, address: string, options: StoreUploadOptions, images: ImageGate): Promise<StoredUpload> {
  const received = await receiveUpload(req, options.maxUploadBytes, options.stagingDir)
  const temporary = [received.path]
  try {
    const name = cleanFileName(received.name)
    // An end-to-end encrypted room's files are sealed in the browser: their bytes
    // and names say nothing, so nothing is sniffed, re-encoded or thumbnailed.
    const kind = room.e2eeSalt ? SEALED_FILE : classify(await fileTypeFromFile(received.path), name, received.durationMs !== undefined)
    if (kind.kind === 'refused') throw new UploadProblem(415, 'UNSUPPORTED_TYPE', kind.reason)
    const roomKey = roomKeyOf(room)
    const id = newFileId()
    const keys = blobKeys(roomKey, id)
    const info: FileInfo = { id, name, type: kind.type, size: received.size, url: fileUrl(roomKey, id) }
    let thumbBytes = 0
    if (kind.kind === 'image') {
      const served = join(options.stagingDir, randomUUID())
      const thumb = join(options.stagingDir, randomUUID())
      temporary.push(served, thumb)
      const owner = { member: `${room.id}\n${memberId}`, address }
      const made = await images.run(owner, () => makeImage(received.path, kind.type, served, thumb)).catch((error: unknown) => {
        if (error instanceof ImageRefused) throw new UploadProblem(error.tooLarge ? 413 : 415, error.tooLarge ? 'IMAGE_TOO_LARGE' : 'UNSUPPORTED_TYPE', error.message)
        throw error
      })
      if ('refused' in made) throw imageBusyProblem(made.refused)
      thumbBytes = (await stat(thumb)).size
      Object.assign(info, { type: made.value.type, size: (await stat(served)).size, width: made.value.width, height: made.value.height, thumbUrl: fileUrl(roomKey, id, true) })
      await options.blobs.put(keys.file, served, { type: made.value.type, name, disposition: 'inline' })
      await options.blobs.put(keys.thumb, thumb, { type: 'image/webp', name, disposition: 'inline' })
    }
    else {
      if (kind.kind === 'audio' && received.durationMs !== undefined) info.durationMs = received.durationMs
      // Everything but images and audio goes out as a download of no particular type (docs/security.md).
      const meta = kind.kind === 'audio'
        ? { type: kind.type, name, disposition: 'inline' as const }
        : { type: 'application/octet-stream', name, disposition: 'attachment' as const }
      await options.blobs.put(keys.file, received.path, meta)
    }
    // The quota counts the files as sent (a thumbnail, at most 320 px, is left out), so a removal gives back what was counted.
    const added = await options.ledger.add({ roomId: room.id, roomKey, memberId, info, bytes: info.size }, options.roomQuotaBytes, options.pendingTtlMs)
    if (!added) {
      await options.blobs.delete([keys.file, keys.thumb])
      throw quotaProblem(options.roomQuotaBytes)
    }
    return { file: info, size: info.size, thumbBytes }
  }
  finally {
    await Promise.all(temporary.map(path => unlink(path).catch(() => {})))
  }
}

export function quotaProblem(roomQuotaBytes: number): UploadProblem {
  return new UploadProblem(429, 'QUOTA_EXCEEDED', `this room holds ${roomQuotaBytes} bytes of files at most; delete some messages with files first`)
}

function imageBusyProblem(refused: ImageGateRefusal): UploadProblem {
  const why = { member: 'you have images being made already', address: 'your address has images being made already', server: 'the server is busy making other images' }[refused]
  return new UploadProblem(429, 'RATE_LIMITED', `${why}; try again shortly`, refused === 'server' ? 5000 : 2000)
}
