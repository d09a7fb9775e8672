// @vitest-environment happy-dom
import { effectScope, nextTick, shallowRef } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useRoomAlerts } from '../../composables/useRoomAlerts'
import type { ChatMessage } from '../../shared/protocol'
import type { TimelineEntry } from '../../utils/timeline'
import { createTestI18n } from '../support/i18n'
import { memoryStorage } from './heartbeat-socket-harness'

function entry(seq: number, text = `m${seq}`, mine = false): TimelineEntry {
  const message: ChatMessage = { type: 'chat', seq, id: `m${seq}`, roomId: 'lobby', from: mine ? { id: 'me', name: 'Ada' } : { id: 'b', name: 'Bob' }, text, at: seq }
  return { kind: 'chat', key: message.id, message, mine }
}

function fakeNotification(permission: NotificationPermission, answer: NotificationPermission = permission) {
  const shown: Array<{ title: string, body?: string }> = []
  const Fake = vi.fn(function (this: unknown, title: string, options?: NotificationOptions) {
    shown.push({ title, body: options?.body })
  }) as unknown as typeof Notification & { permission: NotificationPermission, requestPermission: ReturnType<typeof vi.fn> }
  Fake.permission = permission
  Fake.requestPermission = vi.fn(async () => {
    Fake.permission = answer
    return answer
  })
  return { Fake, shown }
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
  document.dispatchEvent(new Event('visibilitychange'))
}

const scopes: ReturnType<typeof effectScope>[] = []
function mount(Notification?: typeof globalThis.Notification, notificationTitle?: (name: string, roomId: string) => string) {
  const timeline = shallowRef<TimelineEntry[]>([])
  const self = shallowRef<{ id: string, name: string }>()
  const scope = effectScope()
  scopes.push(scope)
  const alerts = scope.run(() => useRoomAlerts({ roomId: 'lobby', timeline, self, storage: memoryStorage(), Notification, notificationTitle }))!
  return { alerts, timeline, self }
}

afterEach(() => {
  for (const scope of scopes.splice(0)) scope.stop()
  setHidden(false)
  document.title = ''
})

describe('useRoomAlerts', () => {
  it('counts others\' new messages in the title while hidden, not the history, not your own, and clears on return', async () => {
    document.title = 'lobby · Heartbeat Chat'
    const { alerts, timeline, self } = mount()
    self.value = { id: 'me', name: 'Ada' }
    timeline.value = [entry(1), entry(2)]
    await nextTick()
    setHidden(true)
    timeline.value = [...timeline.value, entry(3), entry(4, 'mine', true), entry(5)]
    await nextTick()
    expect(alerts.unread.value).toBe(2)
    expect(document.title).toBe('(2) lobby · Heartbeat Chat')
    timeline.value = [...timeline.value, entry(6)]
    await nextTick()
    expect(document.title).toBe('(3) lobby · Heartbeat Chat')
    setHidden(false)
    expect(alerts.unread.value).toBe(0)
    expect(document.title).toBe('lobby · Heartbeat Chat')
    timeline.value = [...timeline.value, entry(7)]
    await nextTick()
    expect(document.title).toBe('lobby · Heartbeat Chat')
  })

  it('the title follows a rename, with the count while hidden and without it on return', async () => {
    document.title = 'design · Heartbeat Chat'
    const pageTitle = shallowRef('Design review · Heartbeat Chat')
    const timeline = shallowRef<TimelineEntry[]>([])
    const self = shallowRef<{ id: string, name: string }>({ id: 'me', name: 'Ada' })
    const scope = effectScope()
    scopes.push(scope)
    const alerts = scope.run(() => useRoomAlerts({ roomId: 'design', timeline, self, storage: memoryStorage(), pageTitle }))!
    expect(document.title).toBe('Design review · Heartbeat Chat')
    pageTitle.value = 'Launch plan · Heartbeat Chat'
    await nextTick()
    expect(document.title).toBe('Launch plan · Heartbeat Chat')
    expect(alerts.title.value).toBe('Launch plan · Heartbeat Chat')
    timeline.value = [entry(1)]
    await nextTick()
    setHidden(true)
    timeline.value = [entry(1), entry(2)]
    await nextTick()
    expect(document.title).toBe('(1) Launch plan · Heartbeat Chat')
    pageTitle.value = 'Launch day · Heartbeat Chat'
    await nextTick()
    expect(document.title).toBe('(1) Launch day · Heartbeat Chat')
    expect(alerts.title.value).toBe('(1) Launch day · Heartbeat Chat')
    setHidden(false)
    expect(document.title).toBe('Launch day · Heartbeat Chat')
  })

  it('asks for the permission only when the bell is clicked, then notifies of every message while hidden', async () => {
    const { Fake, shown } = fakeNotification('default', 'granted')
    const { alerts, timeline, self } = mount(Fake)
    self.value = { id: 'me', name: 'Ada' }
    await nextTick()
    expect(Fake.requestPermission).not.toHaveBeenCalled()
    expect(alerts.notify.value).toBe('off')
    await alerts.toggleNotify()
    expect(Fake.requestPermission).toHaveBeenCalledTimes(1)
    expect(alerts.notify.value).toBe('on')
    setHidden(true)
    timeline.value = [entry(1, 'hello')]
    await nextTick()
    expect(shown).toEqual([{ title: 'Bob in lobby', body: 'hello' }])
  })

  it('titles a notification in the page\'s language', async () => {
    const { t } = createTestI18n('zh-CN').global
    const { Fake, shown } = fakeNotification('granted')
    const { alerts, timeline, self } = mount(Fake, (name, roomId) => t('notify.title', { name, roomId }))
    self.value = { id: 'me', name: 'Ada' }
    await nextTick()
    await alerts.toggleNotify()
    setHidden(true)
    timeline.value = [entry(1, '你好')]
    await nextTick()
    expect(shown).toEqual([{ title: 'Bob（lobby）', body: '你好' }])
  })

  it('with the bell off, a mention still notifies once notifications are allowed; a refusal shows blocked', async () => {
    const { Fake, shown } = fakeNotification('granted')
    const { alerts, timeline, self } = mount(Fake)
    self.value = { id: 'me', name: 'Ada' }
    await nextTick()
    setHidden(true)
    timeline.value = [entry(1, 'plain'), entry(2, 'hey @Ada')]
    await nextTick()
    expect(alerts.notify.value).toBe('off')
    expect(shown.map(n => n.body)).toEqual(['hey @Ada'])

    const denied = fakeNotification('default', 'denied')
    const other = mount(denied.Fake)
    await other.alerts.toggleNotify()
    expect(other.alerts.notify.value).toBe('blocked')
  })
})
