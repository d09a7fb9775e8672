// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import RoomConnectionStatus from '~/components/room/RoomConnectionStatus.vue'
import { useTestLocale } from '../support/i18n'

type Props = InstanceType<typeof RoomConnectionStatus>['$props']

function mountStatus(props: Partial<Props>) {
  return mount(RoomConnectionStatus, { props: { status: 'connected', attempt: 0, maxRetries: 10, ...props } })
}

describe('RoomConnectionStatus', () => {
  it.each([
    ['idle', 'connecting', 'Connecting…'],
    ['connecting', 'connecting', 'Connecting…'],
    ['connected', 'connected', 'Connected'],
    ['reconnecting', 'reconnecting', 'Reconnecting… attempt 3 of 10'],
    ['disconnected', 'disconnected', 'Disconnected'],
    ['offline', 'offline', 'Offline'],
  ] as const)('status %s shows as data-state %s with "%s"', (status, state, text) => {
    const wrapper = mountStatus({ status, attempt: 3 })
    const element = wrapper.get('[data-testid="connection-status"]')
    expect(element.attributes('data-state')).toBe(state)
    expect(element.text()).toContain(text)
  })

  it('says "Checking connection…" instead of the round trip while a pong is late, and offers no button', () => {
    const wrapper = mountStatus({ status: 'checking', rttMs: 1 })
    expect(wrapper.get('[data-testid="connection-status"]').attributes('data-state')).toBe('checking')
    expect(wrapper.get('[role="status"]').text()).toBe('Checking connection…')
    expect(wrapper.text()).not.toContain('Connected')
    expect(wrapper.find('[data-testid="reconnect-button"]').exists()).toBe(false)
  })

  it('names the fallback beside a working link, quietly (outside the live region); WebSocket, the usual case, shows nothing more', () => {
    const fallback = mountStatus({ transport: 'fallback', rttMs: 40 })
    const detail = fallback.get('[data-testid="connection-transport"]')
    expect(detail.text()).toBe('HTTP')
    expect(detail.attributes('title')).toContain('does not carry WebSocket')
    expect(fallback.get('[data-testid="connection-status"]').attributes('data-transport')).toBe('fallback')
    expect(fallback.get('[role="status"]').text()).toBe('Connected · 40 ms')
    const socket = mountStatus({ transport: 'websocket' })
    expect(socket.find('[data-testid="connection-transport"]').exists()).toBe(false)
    expect(socket.get('[data-testid="connection-status"]').attributes('data-transport')).toBe('websocket')
    expect(mountStatus({ transport: 'fallback', status: 'reconnecting', attempt: 1 }).find('[data-testid="connection-transport"]').exists()).toBe(false)
  })

  it('names the transport in Chinese too', () => {
    useTestLocale('zh-CN')
    const detail = mountStatus({ transport: 'fallback' }).get('[data-testid="connection-transport"]')
    expect(detail.attributes('title')).toContain('HTTP 流式连接')
  })

  it('shows the round trip time when connected', () => {
    expect(mountStatus({ rttMs: 41.6 }).text()).toContain('Connected · 42 ms')
  })

  it('offers no button while connecting or connected', () => {
    for (const status of ['idle', 'connecting', 'connected'] as const) {
      expect(mountStatus({ status }).find('[data-testid="reconnect-button"]').exists()).toBe(false)
    }
  })

  it.each([
    ['disconnected', 'Reconnect'],
    ['reconnecting', 'Retry now'],
    ['offline', 'Retry now'],
  ] as const)('when %s the button says "%s" and emits reconnect', async (status, label) => {
    const wrapper = mountStatus({ status })
    const button = wrapper.get('[data-testid="reconnect-button"]')
    expect(button.text()).toBe(label)
    await button.trigger('click')
    expect(wrapper.emitted('reconnect')).toHaveLength(1)
  })

  it('shows the message of the error\'s code as an alert', () => {
    const wrapper = mountStatus({ status: 'disconnected', error: { code: 'INTERNAL', message: 'server is restarting' } })
    expect(wrapper.get('[role="alert"]').text()).toBe('Something went wrong on the server. Try again.')
  })

  it('shows the server\'s own text, as a sentence, for a code it has no message for', () => {
    const wrapper = mountStatus({ status: 'disconnected', error: { code: 'NEW_CODE', message: 'server is restarting' } })
    expect(wrapper.get('[role="alert"]').text()).toBe('Server is restarting.')
  })
})

describe('RoomConnectionStatus in Chinese', () => {
  it('says a server error in Chinese', () => {
    useTestLocale('zh-CN')
    const wrapper = mountStatus({ status: 'connected', error: { code: 'TOO_LARGE', message: 'frames are limited to 16384 bytes' } })
    expect(wrapper.get('[role="alert"]').text()).toBe('内容太大，无法发送。')
  })

  it('says reconnecting with the attempt count in zh-CN', () => {
    useTestLocale('zh-CN')
    const wrapper = mountStatus({ status: 'reconnecting', attempt: 2 })
    expect(wrapper.get('[role="status"]').text()).toBe('正在重新连接…第 2 次，共 10 次')
  })
})
