import type { Ref } from 'vue'
import { computed, shallowRef, triggerRef, watch } from 'vue'
import { FIRST_KEY_GENERATION, generationOf } from '../shared/protocol'
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
  /**
   * Sealed under an earlier password of the room (its key generation is
   * older than the room's) whose key this page does not hold: nothing is
   * wrong with it, this reader joined after the change.
   */
  earlierKey?: true
  /** Sealed, and not opened yet. */
  opening?: true
  /** The files' details it sealed. */
  files?: SealedFileMeta[]
}

export interface UseSealedMessagesOptions {
  roomId: string
  /** The room's salt once `joined` said it is end-to-end encrypted. */
  e2eeSalt: Readonly<Ref<string | undefined>>
  /** The room's key generation: what new messages are sealed with. @default a ref of FIRST_KEY_GENERATION */
  generation?: Readonly<Ref<number>>
  timeline: Readonly<Ref<TimelineEntry[]>>
  /**
   * The room's content key of a generation.
   * @default roomKeyOf (utils/e2ee/key-ring.ts)
   */
  roomKey?: (roomId: string, generation: number) => Promise<CryptoKey | undefined>
  /**
   * Forgets a key that opens none of the room's messages (a wrong password given to unlock it).
   * @default forgetRoomKey (utils/e2ee/key-ring.ts)
   */
  forgetKey?: (roomId: string, generation: number) => Promise<void>
}

export interface UseSealedMessagesReturn {
  /** The room's content key of its current generation; undefined while it is not held (the password is needed). */
  key: Readonly<Ref<CryptoKey | undefined>>
  /** End-to-end encrypted and no key of the current generation: nothing can be sent until the password is given. */
  needsPassword: Readonly<Ref<boolean>>
  /** The room's password changed since this page last had its key: the unlock form says so. */
  passwordChanged: Readonly<Ref<boolean>>
  /** The last key given opened none of the messages held, and was let go: the password was wrong. */
  wrongPassword: Readonly<Ref<boolean>>
  contentOf: (message: ChatMessage) => ShownContent
  /**
   * Reads the key of the current generation again. `check`: it was just made
   * from a password typed to unlock the room (not proved by a join), so if
   * none of the held messages of its generation opens with it, it is let go
   * and `wrongPassword` says so.
   */
  reloadKey: (options?: { check?: boolean }) => Promise<void>
  /** The files of a sealed message, opened in the browser (useSealedFiles). */
  filesOf: UseSealedFilesReturn['filesOf']
}

/** Openings kept at most: a timeline holds fewer messages; past it the cache starts again. */
const OPENED_MAX = 2000

/**
 * Opens the sealed messages of an end-to-end encrypted room for display,
 * each once (per sealed text: an edit is a new one), each with the key of the
 * generation it names (`cipher.k`). All the messages that arrive together are
 * opened together and shown in one update.
 */
export function useSealedMessages({ roomId, e2eeSalt, generation = shallowRef(FIRST_KEY_GENERATION), timeline, roomKey = roomKeyOf, forgetKey = forgetRoomKey }: UseSealedMessagesOptions): UseSealedMessagesReturn {
  const keys = shallowRef(new Map<number, CryptoKey>())
  const key = computed(() => keys.value.get(generation.value))
  const wrongPassword = shallowRef(false)
  // A new key's first openings tell whether it is the room's.
  let untried: number | undefined
  // Generations looked for (in memory, on this device) once.
  const asked = new Set<number>()
  const opened = shallowRef(new Map<string, ShownContent>())
  let stopped = false
  // The generations whose key was looked for: until then the key may still be on its way (memory, IndexedDB), and nothing is asked.
  const looked = shallowRef(new Set<number>())
  const needsPassword = computed(() => e2eeSalt.value !== undefined && key.value === undefined && looked.value.has(generation.value))
  const passwordChanged = computed(() => needsPassword.value && generation.value > FIRST_KEY_GENERATION && keys.value.size > 0)

  const sealedId = (message: ChatMessage) => `${message.id}\n${message.cipher!.iv}`

  function setKey(at: number, found: CryptoKey | undefined) {
    const next = new Map(keys.value)
    if (found) next.set(at, found)
    else next.delete(at)
    keys.value = next
  }

  async function loadKey(at: number, check = false) {
    asked.add(at)
    const found = await roomKey(roomId, at)
    if (stopped) return
    if (!looked.value.has(at)) looked.value = new Set([...looked.value, at])
    if (found === keys.value.get(at)) return
    if (check && found) untried = at
    setKey(at, found)
  }

  async function reloadKey({ check = false }: { check?: boolean } = {}) {
    await loadKey(generation.value, check)
  }

  async function openNew(entries: readonly TimelineEntry[], held: ReadonlyMap<number, CryptoKey>) {
    const sealed = entries.flatMap(entry => (entry.kind === 'chat' && entry.message.cipher && !opened.value.has(sealedId(entry.message)) ? [entry.message] : []))
    for (const at of new Set(sealed.map(message => generationOf(message.cipher)))) if (!held.has(at) && !asked.has(at)) void loadKey(at)
    const waiting = sealed.filter(message => held.has(generationOf(message.cipher)))
    if (waiting.length === 0) return
    const contents = await Promise.all(waiting.map(message => openMessage(held.get(generationOf(message.cipher))!, message)))
    if (stopped || keys.value !== held) return
    // Not one of the held messages of its generation opens with a key typed to unlock: the password was wrong.
    const tried = untried
    const triedOnes = contents.filter((_, index) => generationOf(waiting[index]!.cipher) === tried)
    if (tried !== undefined && triedOnes.length > 0) {
      untried = undefined
      if (triedOnes.every(content => content === null)) {
        wrongPassword.value = true
        setKey(tried, undefined)
        await forgetKey(roomId, tried)
        return
      }
      wrongPassword.value = false
    }
    const map = opened.value.size + waiting.length > OPENED_MAX ? new Map<string, ShownContent>() : opened.value
    waiting.forEach((message, index) => {
      const content = contents[index]
      map.set(sealedId(message), content ? { text: content.text, ...(content.files ? { files: content.files } : {}) } : { text: '', undecryptable: true })
    })
    opened.value = map
    triggerRef(opened)
  }

  watch([e2eeSalt, generation], ([salt]) => {
    if (salt !== undefined) void reloadKey()
  }, { immediate: true })
  watch([timeline, keys], ([entries, held]) => {
    if (e2eeSalt.value !== undefined || held.size > 0) void openNew(entries, held)
  }, { immediate: true })

  function contentOf(message: ChatMessage): ShownContent {
    if (!message.cipher) return { text: message.text }
    const shown = opened.value.get(sealedId(message))
    if (shown) return shown
    const at = generationOf(message.cipher)
    if (keys.value.has(at)) return { text: '', opening: true }
    return at < generation.value ? { text: '', earlierKey: true } : { text: '', undecryptable: true }
  }

  tryOnScopeDispose(() => {
    stopped = true
  })

  const { filesOf } = useSealedFiles({ roomId, key: message => keys.value.get(generationOf(message.cipher)) })

  return { key, needsPassword, passwordChanged, wrongPassword, contentOf, reloadKey, filesOf }
}
