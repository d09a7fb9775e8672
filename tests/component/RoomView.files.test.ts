// @vitest-environment happy-dom
import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FileInfo } from '~/shared/protocol'
import { FakeXhr } from '~/tests/unit/fake-xhr'
import { mountRoomView } from '../support/room-page'

const photo: FileInfo = { id: 'file-1', name: 'cat.png', type: 'image/png', size: 3, url: '/files/x/cat.png' }

function mountRoom() {
  return mountRoomView({ roomId: 'lobby', status: 'connected', attempt: 0, maxRetries: 10, online: 1, members: 1, users: [], selfId: 'u1', timeline: [] })
}

function dragEvent(type: string, files: File[]) {
  const event = new Event(type, { bubbles: true, cancelable: true }) as DragEvent
  Object.defineProperty(event, 'dataTransfer', { value: { types: ['Files'], files, dropEffect: 'none' } })
  return event
}

beforeEach(() => {
  localStorage.clear()
  FakeXhr.reset()
  vi.stubGlobal('XMLHttpRequest', FakeXhr)
})
afterEach(() => vi.unstubAllGlobals())

describe('RoomView files', () => {
  it('files dragged over the conversation show the hint; dropped, they upload and go with the next message', async () => {
    const wrapper = mountRoom()
    await wrapper.vm.$nextTick()
    const conversation = wrapper.get('main').element
    const file = new File(['png'], 'cat.png')
    conversation.dispatchEvent(dragEvent('dragenter', [file]))
    const over = dragEvent('dragover', [file])
    conversation.dispatchEvent(over)
    await wrapper.vm.$nextTick()
    expect(over.defaultPrevented).toBe(true)
    expect(wrapper.get('[data-testid="drop-hint"]').text()).toBe('Drop files to attach them')

    const drop = dragEvent('drop', [file])
    conversation.dispatchEvent(drop)
    await wrapper.vm.$nextTick()
    expect(drop.defaultPrevented).toBe(true)
    expect(wrapper.find('[data-testid="drop-hint"]').exists()).toBe(false)
    expect(FakeXhr.instances.map(request => request.url)).toEqual(['/api/rooms/lobby/files'])

    FakeXhr.last().respond(201, { file: photo })
    await flushPromises()
    await wrapper.get('form').trigger('submit')
    expect(wrapper.page.send.mock.calls).toEqual([['', undefined, [photo]]])
  })

  it('text dragged over the room is left to the browser', async () => {
    const wrapper = mountRoom()
    await wrapper.vm.$nextTick()
    const event = new Event('dragover', { bubbles: true, cancelable: true }) as DragEvent
    Object.defineProperty(event, 'dataTransfer', { value: { types: ['text/plain'], files: [] } })
    wrapper.get('main').element.dispatchEvent(event)
    expect(event.defaultPrevented).toBe(false)
  })
})

describe('RoomView: a message the server refused', () => {
  it('says it was not sent and why, and Discard lets it go', async () => {
    const wrapper = mountRoomView({
      roomId: 'lobby', status: 'connected', attempt: 0, maxRetries: 10, online: 1, members: 1, users: [], selfId: 'u1',
      timeline: [
        { kind: 'pending', key: 'own-c1', clientId: 'c1', text: 'the cat', writtenAt: 1, senderName: 'Ada', attachments: [photo], refused: { code: 'BAD_REQUEST', message: 'attachments must be…' } },
        { kind: 'pending', key: 'own-c2', clientId: 'c2', text: 'still going', writtenAt: 2, senderName: 'Ada' },
      ],
    })
    const [refused, sending] = wrapper.findAll('[data-testid="message-item"]')
    expect(refused!.get('[data-testid="message-status"]').attributes('data-state')).toBe('refused')
    expect(refused!.get('[data-testid="message-status"]').text()).toBe('Not sent: its files are no longer available')
    expect(sending!.get('[data-testid="message-status"]').text()).toBe('sending…')
    expect(sending!.find('[data-testid="message-discard"]').exists()).toBe(false)

    await refused!.get('[data-testid="message-discard"]').trigger('click')
    expect(wrapper.page.discard.mock.calls).toEqual([['c1']])
  })
})
