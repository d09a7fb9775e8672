import type { Ref, ShallowRef } from 'vue'
import { computed, shallowRef, triggerRef, watch } from 'vue'
import type { ChatMessage } from '../shared/protocol'
import { forgetRoomKey, roomKeyOf } from '../utils/e2ee/key-ring'
import { openMessage } from '../utils/e2ee/sealed-message'
import type { SealedFileMeta } from '../utils/e2ee/sealed-message'
import type { TimelineEntry } from '../utils/timeline'
import { tryOnScopeDispose } from '../utils/scope'
import { useSealedFiles } from './useSealedFiles'
import type { UseSealedFilesReturn } from './useSealedFiles'

/** What a message shows: its text as written, once it is opened. */
export interface ShownContent {
  text: string
  /** Sealed, and it did not open (tampered, another key, moved): the page says so and shows nothing of it. */
  undecryptable?: true
  /** Sealed, and not opened yet. */
  opening?: true
  /** The files' details it sealed. */
  files?: SealedFileMeta[]
}

export interface UseSealedMessagesOptions {
  roomId: string
  /** The room's salt once `joined` said it is end-to-end encrypted. */
  e2eeSalt: Readonly<Ref<string | undefined>>
  timeline: Readonly<Ref<TimelineEntry[]>>
  /**
   * The room's content key.
   * @default roomKeyOf (utils/e2ee/key-ring.ts)
   */
  roomKey?: (roomId: string) => Promise<CryptoKey | undefined>
  /**
   * Forgets a key that opens none of the room's messages (a wrong password given to unlock it).
   * @default forgetRoomKey (utils/e2ee/key-ring.ts)
   */
  forgetKey?: (roomId: string) => Promise<void>
}

export interface UseSealedMessagesReturn {
  /** The room's content key; undefined while it is not held (the password is needed). */
  key: Readonly<ShallowRef<CryptoKey | undefined>>
  /** End-to-end encrypted and no key: nothing can be read or sent until the password is given. */
  needsPassword: Readonly<Ref<boolean>>
  /** The last key given opened none of the messages held, and was let go: the password was wrong. */
  wrongPassword: Readonly<Ref<boolean>>
  contentOf: (message: ChatMessage) => ShownContent
  /**
   * Reads the key again. `check`: it was just made from a password typed to
   * unlock the room (not proved by a join), so if none of the held messages
   * opens with it, it is let go and `wrongPassword` says so.
   */
  reloadKey: (options?: { check?: boolean }) => Promise<void>
  /** The files of a sealed message, opened in the browser (useSealedFiles). */
  filesOf: UseSealedFilesReturn['filesOf']
}

/** Openings kept at most: a timeline holds fewer messages; past it the cache starts again. */
const OPENED_MAX = 2000

/**
 * Opens the sealed messages of an end-to-end encrypted room for display,
 * each once (per sealed text: an edit is a new one). All the messages that
 * arrive together are opened together and shown in one update.
 */
export function useSealedMessages({ roomId, e2eeSalt, timeline, roomKey = roomKeyOf, forgetKey = forgetRoomKey }: UseSealedMessagesOptions): UseSealedMessagesReturn {
  const key = shallowRef<CryptoKey>()
  const wrongPassword = shallowRef(false)
  // A new key's first openings tell whether it is the room's.
  let keyUntried = false
  const opened = shallowRef(new Map<string, ShownContent>())
  let stopped = false
  const needsPassword = computed(() => e2eeSalt.value !== undefined && key.value === undefined)

  const sealedId = (message: ChatMessage) => `${message.id}\n${message.cipher!.iv}`

  async function reloadKey({ check = false }: { check?: boolean } = {}) {
    const found = await roomKey(roomId)
    if (stopped || found === key.value) return
    opened.value = new Map()
    keyUntried = check && found !== undefined
    key.value = found
  }

  async function openNew(entries: readonly TimelineEntry[], roomKeyNow: CryptoKey) {
    const waiting = entries.flatMap(entry => (entry.kind === 'chat' && entry.message.cipher && !opened.value.has(sealedId(entry.message)) ? [entry.message] : []))
    if (waiting.length === 0) return
    const contents = await Promise.all(waiting.map(message => openMessage(roomKeyNow, message)))
    if (stopped || key.value !== roomKeyNow) return
    // Not one of the held messages opens with a key typed to unlock: the password was wrong.
    if (keyUntried && contents.every(content => content === null)) {
      keyUntried = false
      wrongPassword.value = true
      key.value = undefined
      await forgetKey(roomId)
      return
    }
    if (keyUntried) wrongPassword.value = false
    keyUntried = false
    const map = opened.value.size + waiting.length > OPENED_MAX ? new Map<string, ShownContent>() : opened.value
    waiting.forEach((message, index) => {
      const content = contents[index]
      map.set(sealedId(message), content ? { text: content.text, ...(content.files ? { files: content.files } : {}) } : { text: '', undecryptable: true })
    })
    opened.value = map
    triggerRef(opened)
  }

  watch(e2eeSalt, (salt) => {
    if (salt !== undefined) void reloadKey()
  }, { immediate: true })
  watch([timeline, key], ([entries, roomKeyNow]) => {
    if (roomKeyNow) void openNew(entries, roomKeyNow)
  }, { immediate: true })

  function contentOf(message: ChatMessage): ShownContent {
    if (!message.cipher) return { text: message.text }
    return opened.value.get(sealedId(message)) ?? (key.value ? { text: '', opening: true } : { text: '', undecryptable: true })
  }

  tryOnScopeDispose(() => {
    stopped = true
  })

  const { filesOf } = useSealedFiles({ roomId, key })

  return { key, needsPassword, wrongPassword, contentOf, reloadKey, filesOf }
}
