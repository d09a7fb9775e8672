// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import RoomComposer from '~/components/room/RoomComposer.vue'
import type { FileInfo } from '~/shared/protocol'
import { useTestLocale } from '~/tests/support/i18n'
import { FakeRecorder, fakeStream } from '~/tests/unit/fake-media-recorder'
import { FakeXhr } from '~/tests/unit/fake-xhr'

// The picker is a custom element that needs IndexedDB and its data file; the
// stand-in keeps only what the composer relies on: an element that fires emoji-click.
vi.mock('emoji-picker-element/picker', () => {
  class FakePicker extends HTMLElement {
    constructor(readonly options: unknown) {
      super()
    }
  }
  customElements.define('fake-emoji-picker', FakePicker)
  return { default: FakePicker }
})

const photo: FileInfo = { id: 'file-1', name: 'cat.png', type: 'image/png', size: 1000, url: '/files/x/cat.png' }
const created = (file: FileInfo) => ({ file })

function mountComposer() {
  return mount(RoomComposer, { props: { roomId: 'kitchen' }, attachTo: document.body })
}

async function chooseFiles(wrapper: ReturnType<typeof mountComposer>, files: File[]) {
  const input = wrapper.get<HTMLInputElement>('[data-testid="attach-input"]')
  Object.defineProperty(input.element, 'files', { value: files, configurable: true })
  await input.trigger('change')
}

beforeEach(() => {
  localStorage.clear()
  localStorage.setItem('heartbeat:token:kitchen', 'member-token')
  FakeXhr.reset()
  vi.stubGlobal('XMLHttpRequest', FakeXhr)
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('RoomComposer with files', () => {
  it('the attach button opens the multi-file input; each chosen file uploads with its own progress row', async () => {
    const wrapper = mountComposer()
    const input = wrapper.get<HTMLInputElement>('[data-testid="attach-input"]')
    expect(input.attributes('multiple')).toBeDefined()
    const clicked = vi.fn()
    input.element.addEventListener('click', clicked)
    await wrapper.get('[data-testid="attach-button"]').trigger('click')
    expect(clicked).toHaveBeenCalled()
    expect(wrapper.get('[data-testid="attach-button"]').attributes('aria-label')).toBe('Attach files')

    await chooseFiles(wrapper, [new File([new Uint8Array(1000)], 'cat.png'), new File(['x'], 'notes.txt')])
    expect(FakeXhr.instances.map(request => request.url)).toEqual(['/api/rooms/kitchen/files', '/api/rooms/kitchen/files'])
    expect(FakeXhr.instances[0]!.headers.Authorization).toBe('Bearer member-token')
    FakeXhr.instances[0]!.progress(250, 1000)
    await wrapper.vm.$nextTick()
    const rows = wrapper.findAll('[data-testid="upload-progress"]')
    expect(rows.map(row => row.attributes('data-state'))).toEqual(['uploading', 'uploading'])
    expect(rows[0]!.get('progress').attributes('value')).toBe('25')
    expect(rows[0]!.text()).toContain('25%')
  })

  it('the typed text becomes the caption of the files, and the rows go once sent', async () => {
    const wrapper = mountComposer()
    await chooseFiles(wrapper, [new File(['x'], 'cat.png')])
    FakeXhr.last().respond(201, created(photo))
    await wrapper.get('[data-testid="message-input"]').setValue('our cat')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('send')).toEqual([['our cat', [photo]]])
    expect(wrapper.find('[data-testid="upload-progress"]').exists()).toBe(false)
    expect(wrapper.get<HTMLTextAreaElement>('[data-testid="message-input"]').element.value).toBe('')
  })

  it('files go without any text too', async () => {
    const wrapper = mountComposer()
    await chooseFiles(wrapper, [new File(['x'], 'cat.png')])
    FakeXhr.last().respond(201, created(photo))
    await wrapper.vm.$nextTick()
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeUndefined()
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('send')).toEqual([['', [photo]]])
  })

  it('Send while a file uploads waits, says so, and sends the message with the file once it is done', async () => {
    const wrapper = mountComposer()
    await chooseFiles(wrapper, [new File(['x'], 'cat.png')])
    await wrapper.get('[data-testid="message-input"]').setValue('wait for it')
    await wrapper.get('form').trigger('submit')
    const send = wrapper.get('[data-testid="send-button"]')
    expect(send.attributes('data-waiting')).toBe('true')
    expect(send.text()).toBe('Sending after upload…')
    expect(send.attributes('disabled')).toBeDefined()
    expect(wrapper.emitted('send')).toBeUndefined()
    FakeXhr.last().respond(201, created(photo))
    await flushPromises()
    expect(wrapper.emitted('send')).toEqual([['wait for it', [photo]]])
    expect(wrapper.get('[data-testid="send-button"]').attributes('data-waiting')).toBeUndefined()
  })

  it('an upload that fails during that wait keeps the message back, with the reason on its row; Send again sends the rest', async () => {
    const wrapper = mountComposer()
    await chooseFiles(wrapper, [new File(['x'], 'cat.png'), new File(['x'], 'huge.mov')])
    const [good, bad] = FakeXhr.instances
    await wrapper.get('[data-testid="message-input"]').setValue('two files')
    await wrapper.get('form').trigger('submit')
    good!.respond(201, created(photo))
    bad!.respond(413, { code: 'TOO_LARGE', message: 'too large' })
    await flushPromises()
    expect(wrapper.emitted('send')).toBeUndefined()
    const failed = wrapper.findAll('[data-testid="upload-progress"]').find(row => row.attributes('data-state') === 'failed')
    expect(failed?.get('[data-testid="upload-error"]').text()).toBe('Too large')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('send')).toEqual([['two files', [photo]]])
  })

  it('cancel aborts a running upload and removes its row', async () => {
    const wrapper = mountComposer()
    await chooseFiles(wrapper, [new File(['x'], 'big.zip')])
    const request = FakeXhr.last()
    const cancel = wrapper.get('[data-testid="upload-cancel"]')
    expect(cancel.attributes('aria-label')).toBe('Cancel the upload of big.zip')
    await cancel.trigger('click')
    expect(request.aborted).toBe(true)
    expect(wrapper.find('[data-testid="upload-progress"]').exists()).toBe(false)
  })

  it('a pasted image is attached', async () => {
    const wrapper = mountComposer()
    const image = new File(['png'], 'image.png', { type: 'image/png' })
    const event = new Event('paste', { cancelable: true }) as ClipboardEvent
    Object.defineProperty(event, 'clipboardData', { value: { files: [image], types: ['Files'] } })
    wrapper.get('[data-testid="message-input"]').element.dispatchEvent(event)
    await wrapper.vm.$nextTick()
    expect(FakeXhr.instances).toHaveLength(1)
    expect((FakeXhr.last().body?.get('file') as File).name).toBe('image.png')
    expect(event.defaultPrevented).toBe(true)
  })

  it('upload errors speak Chinese in the Chinese interface', async () => {
    useTestLocale('zh-CN')
    const wrapper = mountComposer()
    await chooseFiles(wrapper, [new File(['x'], 'page.html')])
    FakeXhr.last().respond(415, { code: 'UNSUPPORTED_TYPE', message: 'no' })
    await wrapper.vm.$nextTick()
    expect(wrapper.get('[data-testid="upload-error"]').text()).toBe('不接受此文件：程序和无法打开的图片会被拒绝')
    expect(wrapper.get('[data-testid="attach-button"]').attributes('aria-label')).toBe('添加文件')
  })
})

describe('RoomComposer emoji', () => {
  it('the emoji button opens the picker, and the emoji picked goes in at the cursor', async () => {
    const wrapper = mountComposer()
    const input = wrapper.get<HTMLTextAreaElement>('[data-testid="message-input"]')
    await input.setValue('hello world')
    input.element.setSelectionRange(5, 5)
    const button = wrapper.get('[data-testid="emoji-button"]')
    expect(button.attributes('aria-label')).toBe('Insert an emoji')
    await button.trigger('click')
    await flushPromises()
    expect(button.attributes('aria-expanded')).toBe('true')
    const picker = wrapper.element.querySelector('fake-emoji-picker')
    expect(picker).not.toBeNull()
    picker!.dispatchEvent(Object.assign(new Event('emoji-click'), { detail: { unicode: '🎉' } }))
    await flushPromises()
    expect(input.element.value).toBe('hello🎉 world')
    expect(input.element.selectionStart).toBe(7)
    expect(button.attributes('aria-expanded')).toBe('false')
  })
})

describe('RoomComposer emoji in Chinese', () => {
  it('the Chinese interface loads the picker with Chinese emoji names and labels, from the app\'s own files', async () => {
    useTestLocale('zh-CN')
    const wrapper = mountComposer()
    const button = wrapper.get('[data-testid="emoji-button"]')
    expect(button.attributes('aria-label')).toBe('插入表情')
    await button.trigger('click')
    // The Chinese labels are a module of their own, loaded with the picker.
    await vi.waitFor(() => expect(wrapper.element.querySelector('fake-emoji-picker')).not.toBeNull())
    const picker = wrapper.element.querySelector('fake-emoji-picker') as HTMLElement & { options: { dataSource: string, locale: string, i18n?: { searchLabel: string } } }
    expect(picker.options.locale).toBe('zh')
    expect(picker.options.dataSource).toMatch(/^\/.*zh\/cldr\/data\.json/)
    expect(picker.options.i18n?.searchLabel).toBe('搜索')
  })
})

describe('RoomComposer voice clips', () => {
  it('records, shows the running time, and sent uploads the clip with its duration then sends it alone', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    const { stream, track } = fakeStream()
    vi.stubGlobal('MediaRecorder', FakeRecorder)
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: vi.fn(async () => stream) }, configurable: true })
    try {
      const wrapper = mountComposer()
      await wrapper.get('[data-testid="message-input"]').setValue('a draft that stays')
      await wrapper.get('[data-testid="record-button"]').trigger('click')
      await flushPromises()
      vi.advanceTimersByTime(4000)
      await wrapper.vm.$nextTick()
      expect(wrapper.get('[data-testid="record-time"]').text()).toBe('0:04')
      await wrapper.get('[data-testid="record-send"]').trigger('click')
      await flushPromises()
      expect(track.stop).toHaveBeenCalled()
      const request = FakeXhr.last()
      expect(request.fieldNames()).toEqual(['durationMs', 'file'])
      expect(request.body?.get('durationMs')).toBe('4000')
      const voice: FileInfo = { id: 'v1', name: 'voice.webm', type: 'video/webm', size: 10, url: '/files/v/voice.webm', durationMs: 4000 }
      request.respond(201, created(voice))
      await flushPromises()
      expect(wrapper.emitted('send')).toEqual([['', [voice]]])
      expect(wrapper.get<HTMLTextAreaElement>('[data-testid="message-input"]').element.value).toBe('a draft that stays')
      expect(wrapper.find('[data-testid="upload-progress"]').exists()).toBe(false)
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('a cancelled recording sends nothing', async () => {
    const { stream } = fakeStream()
    vi.stubGlobal('MediaRecorder', FakeRecorder)
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia: vi.fn(async () => stream) }, configurable: true })
    const wrapper = mountComposer()
    await wrapper.get('[data-testid="record-button"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="record-cancel"]').trigger('click')
    await flushPromises()
    expect(FakeXhr.instances).toHaveLength(0)
    expect(wrapper.find('[data-testid="record-button"]').exists()).toBe(true)
  })
})
