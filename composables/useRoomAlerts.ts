import type { MaybeRefOrGetter, Ref } from 'vue'
import { computed, getCurrentScope, onScopeDispose, shallowRef, toValue, watch } from 'vue'
import { defaultClientStorage, ignoreStorageErrors } from '../utils/client-storage'
import type { ClientStorage } from '../utils/client-storage'
import { mentions } from '../utils/conversation'
import type { TimelineEntry } from '../utils/timeline'

export interface UseRoomAlertsOptions {
  roomId: string
  timeline: Readonly<Ref<TimelineEntry[]>>
  self: Readonly<Ref<{ id: string, name: string } | undefined>>
  /** Where the bell's setting is kept, under `heartbeat:notify`. @default localStorage */
  storage?: ClientStorage
  /** The page's document. @default globalThis.document */
  document?: Document
  /** The Notification API. @default globalThis.Notification */
  Notification?: typeof Notification
  /** A notification's title, in the page's language. @default `${name} in ${roomId}` */
  notificationTitle?: (name: string, roomId: string) => string
  /** The page's title without the count (the room's name, in the page's language), followed as it changes: a rename shows at once. @default the document's title when this starts */
  pageTitle?: MaybeRefOrGetter<string>
}

export type NotifyState = 'off' | 'on' | 'blocked' | 'unsupported'

export interface UseRoomAlertsReturn {
  /** Messages of others that arrived while the page was hidden. */
  unread: Readonly<Ref<number>>
  /** The page's title with the count, as written to the document: the page's head must say the same, or its next render puts back a stale title. */
  title: Readonly<Ref<string>>
  /** The bell: desktop notifications for every new message while hidden. */
  notify: Readonly<Ref<NotifyState>>
  /** The bell's click: asks for the permission then, and only then. */
  toggleNotify: () => Promise<void>
  close: () => void
}

const NOTIFY_KEY = 'heartbeat:notify'

/**
 * What a hidden page does about new messages: the title counts them ("(3)
 * room-id"), and desktop notifications tell of them, every message with the
 * bell on, mentions of the reader whenever notifications are allowed.
 */
export function useRoomAlerts(options: UseRoomAlertsOptions): UseRoomAlertsReturn {
  const {
    roomId,
    timeline,
    self,
    storage = defaultClientStorage(),
    document: page = typeof document === 'undefined' ? undefined : document,
    Notification: NotificationImpl = typeof Notification === 'undefined' ? undefined : Notification,
    notificationTitle = (name, room) => `${name} in ${room}`,
  } = options
  const pageTitle = options.pageTitle ?? page?.title ?? ''

  const unread = shallowRef(0)
  const notify = shallowRef<NotifyState>(initialNotifyState())
  // The highest seq already counted: a rejoin's history or an older page counts nothing again.
  let countedUpTo: number | undefined
  const title = computed(() => unread.value > 0 ? `(${unread.value}) ${toValue(pageTitle)}` : toValue(pageTitle))

  function initialNotifyState(): NotifyState {
    if (!NotificationImpl) return 'unsupported'
    if (NotificationImpl.permission === 'denied') return 'blocked'
    const wanted = ignoreStorageErrors(() => storage?.getItem(NOTIFY_KEY)) === 'on'
    return wanted && NotificationImpl.permission === 'granted' ? 'on' : 'off'
  }

  // Written at once rather than left to the head's render, which a hidden tab may hold back.
  const stopTitle = watch(title, (text) => {
    if (page) page.title = text
  }, { immediate: true, flush: 'sync' })

  function onVisibility() {
    if (!page || page.hidden) return
    unread.value = 0
  }

  function notifyOf(entry: Extract<TimelineEntry, { kind: 'chat' }>, mentioned: boolean) {
    if (!NotificationImpl || NotificationImpl.permission !== 'granted') return
    if (notify.value !== 'on' && !mentioned) return
    const { from, text } = entry.message
    try {
      void new NotificationImpl(notificationTitle(from.name, roomId), { body: text, tag: `heartbeat:${roomId}` })
    }
    catch {
      // Chrome on Android has no page-level Notification constructor (it throws): nothing is shown there.
    }
  }

  // Primed when the member is first known: what the join brought is read on arrival.
  const stopWatching = watch([timeline, self], ([entries, member]) => {
    if (!member) return
    let highest = countedUpTo
    const fresh: Array<Extract<TimelineEntry, { kind: 'chat' }>> = []
    for (const entry of entries) {
      if (entry.kind !== 'chat') continue
      if (countedUpTo === undefined || entry.message.seq > countedUpTo) {
        if (!entry.mine && !entry.message.deleted) fresh.push(entry)
        highest = Math.max(highest ?? 0, entry.message.seq)
      }
    }
    const first = countedUpTo === undefined
    countedUpTo = highest ?? 0
    if (first || !page?.hidden || fresh.length === 0) return
    unread.value += fresh.length
    for (const entry of fresh) notifyOf(entry, mentions(entry.message.text, self.value?.name))
  })

  async function toggleNotify() {
    if (!NotificationImpl) return
    if (notify.value === 'on') {
      notify.value = 'off'
      ignoreStorageErrors(() => storage?.removeItem(NOTIFY_KEY))
      return
    }
    const permission = NotificationImpl.permission === 'default' ? await NotificationImpl.requestPermission() : NotificationImpl.permission
    notify.value = permission === 'granted' ? 'on' : permission === 'denied' ? 'blocked' : 'off'
    if (notify.value === 'on') ignoreStorageErrors(() => storage?.setItem(NOTIFY_KEY, 'on'))
  }

  function close() {
    stopWatching()
    onVisibility()
    stopTitle()
    page?.removeEventListener('visibilitychange', onVisibility)
  }

  page?.addEventListener('visibilitychange', onVisibility)
  if (getCurrentScope()) onScopeDispose(close)

  return { unread, title, notify, toggleNotify, close }
}
