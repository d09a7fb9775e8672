import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import { computed, inject, shallowRef, toValue } from 'vue'
import type { FileInfo } from '../shared/protocol'
import { defaultClientStorage } from '../utils/client-storage'
import { memberTokenStore } from '../utils/member-token'
import { roomKeyOf } from '../utils/e2ee/key-ring'
import { sealFile } from '../utils/e2ee/sealed-file'
import { ROOM_PAGE_KEY } from './useRoomPage'
import { useUploads } from './useUploads'
import type { FileSealer, Upload } from './useUploads'
import type { VoiceClip } from './useVoiceRecorder'

export interface UseComposerUploadsOptions {
  /** The room the files are uploaded to, as its member. @default '' */
  roomId?: MaybeRefOrGetter<string | undefined>
}

export interface UseComposerUploadsReturn {
  /** Every upload shown, the attached files first, then the voice clips. */
  rows: ComputedRef<Upload[]>
  /** The attached files that are uploaded, to go with the next message. */
  files: ComputedRef<FileInfo[]>
  /** An attached file is still uploading. */
  busy: ComputedRef<boolean>
  /** Send was pressed while files were uploading: the message goes once they are done. */
  waiting: Readonly<Ref<boolean>>
  /** Attaches files to the next message and starts uploading them. */
  addFiles: (files: readonly File[]) => void
  cancel: (key: string) => void
  /**
   * Waits for the attached files still uploading; false when one failed
   * meanwhile, so that nothing goes without a file the person has not seen fail.
   */
  settle: () => Promise<boolean>
  /** Forgets the attached files that went with a message. */
  clearDone: () => void
  /** Uploads a voice clip; its file once uploaded, undefined when it failed or was cancelled. */
  uploadClip: (clip: VoiceClip) => Promise<FileInfo | undefined>
}

/**
 * The composer's two upload queues: files go with the next message, a voice
 * clip goes alone as soon as it is uploaded.
 */
export function useComposerUploads(options: UseComposerUploadsOptions = {}): UseComposerUploadsReturn {
  const { roomId = '' } = options
  const room = () => toValue(roomId) ?? ''
  const token = memberTokenStore(defaultClientStorage(), room)
  // In an end-to-end encrypted room every file is sealed in the browser before it goes (docs/security.md).
  const page = inject(ROOM_PAGE_KEY, null)
  const sealer: FileSealer = async (file, name) => {
    const key = await roomKeyOf(room())
    const authorId = page?.self.value?.id
    return key && authorId ? sealFile(key, room(), authorId, file, name) : undefined
  }
  const seal = () => (page?.e2ee?.value ? sealer : undefined)
  const attached = useUploads({ roomId: room, token: token.read, seal })
  const voice = useUploads({ roomId: room, token: token.read, seal })
  const rows = computed(() => [...attached.uploads.value, ...voice.uploads.value])
  const waiting = shallowRef(false)

  const failedCount = () => attached.uploads.value.filter(upload => upload.state === 'failed').length

  async function settle(): Promise<boolean> {
    if (!attached.busy.value) return true
    const failedBefore = failedCount()
    waiting.value = true
    await attached.settled()
    waiting.value = false
    return failedCount() === failedBefore
  }

  function addFiles(files: readonly File[]) {
    for (const file of files) attached.add(file)
  }

  function cancel(key: string) {
    attached.cancel(key)
    voice.cancel(key)
  }

  async function uploadClip(clip: VoiceClip): Promise<FileInfo | undefined> {
    const { key, done } = voice.add(clip.blob, { name: clip.name, durationMs: clip.durationMs })
    const file = await done
    if (file) voice.cancel(key)
    return file
  }

  return { rows, files: attached.files, busy: attached.busy, waiting, addFiles, cancel, settle, clearDone: attached.clearDone, uploadClip }
}
