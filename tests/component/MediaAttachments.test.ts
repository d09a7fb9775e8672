// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import MediaAttachments from '~/components/media/MediaAttachments.vue'
import RoomMessageItem from '~/components/room/RoomMessageItem.vue'
import RoomMessageList from '~/components/room/RoomMessageList.vue'
import type { FileInfo } from '~/shared/protocol'
import { useTestLocale } from '~/tests/support/i18n'

const photo: FileInfo = { id: 'p', name: 'cat.jpg', type: 'image/jpeg', size: 2_400_000, url: '/files/aa/cat.jpg', thumbUrl: '/files/aa/thumb.webp', width: 4000, height: 3000 }
const pdf: FileInfo = { id: 'd', name: 'minutes.pdf', type: 'application/pdf', size: 123_456, url: '/files/bb/minutes.pdf' }
const clip: FileInfo = { id: 'v', name: 'voice.webm', type: 'video/webm', size: 20_000, url: '/files/cc/voice.webm', durationMs: 7_400 }

describe('MediaAttachments', () => {
  it('an image shows its thumbnail in a box of its own proportions, reserved before it loads, and opens full size', () => {
    const wrapper = mount(MediaAttachments, { props: { attachments: [photo] } })
    const link = wrapper.get('[data-testid="message-image"]')
    expect(link.attributes('href')).toBe('/files/aa/cat.jpg')
    expect(link.attributes('target')).toBe('_blank')
    expect(link.attributes('aria-label')).toBe('Open cat.jpg full size')
    const image = link.get('img')
    expect(image.attributes('src')).toBe('/files/aa/thumb.webp')
    expect(image.attributes('alt')).toBe('cat.jpg')
    expect(image.attributes('width')).toBe('4000')
    expect(image.attributes('height')).toBe('3000')
    expect(image.attributes('style')).toContain('aspect-ratio: 4000 / 3000')
    expect(image.attributes('style')).toContain('width: 240px')
  })

  it('another file is a card with its name, size, type icon and a download link', () => {
    const wrapper = mount(MediaAttachments, { props: { attachments: [pdf] } })
    const card = wrapper.get('[data-testid="message-file"]')
    expect(card.get('[data-testid="file-name"]').text()).toBe('minutes.pdf')
    expect(card.get('[data-testid="file-size"]').text()).toBe('123 kB')
    expect(card.get('svg text').text()).toBe('PDF')
    const download = card.get('[data-testid="file-download"]')
    expect(download.attributes('href')).toBe('/files/bb/minutes.pdf')
    expect(download.attributes('download')).toBe('minutes.pdf')
    expect(download.attributes('aria-label')).toBe('Download minutes.pdf')
  })

  it('a voice clip plays inline with its duration', () => {
    const wrapper = mount(MediaAttachments, { props: { attachments: [clip] } })
    const player = wrapper.get('[data-testid="message-audio"]')
    expect(player.get('audio').attributes('src')).toBe('/files/cc/voice.webm')
    expect(player.get('audio').attributes('controls')).toBeDefined()
    expect(player.get('[data-testid="audio-duration"]').text()).toBe('0:07')
  })

  it('an image whose file is gone (its room idle for long) shows the name and "file expired"; one that fails for another reason stays', async () => {
    const fetchMock = vi.fn(async (url: string) => new Response(null, { status: url === photo.url ? 404 : 200 }))
    vi.stubGlobal('fetch', fetchMock)
    try {
      const other = { ...photo, id: 'q', url: '/files/aa/dog.jpg', name: 'dog.jpg' }
      const wrapper = mount(MediaAttachments, { props: { attachments: [photo, other] } })
      for (const image of wrapper.findAll('img')) await image.trigger('error')
      await flushPromises()
      expect(fetchMock).toHaveBeenCalledWith(photo.url, { method: 'HEAD' })
      expect(wrapper.get('[data-testid="file-expired"]').text()).toBe('cat.jpg: file expired')
      expect(wrapper.findAll('[data-testid="message-image"]')).toHaveLength(1)
    }
    finally {
      vi.unstubAllGlobals()
    }
  })

  it('speaks Chinese in the Chinese interface', () => {
    useTestLocale('zh-CN')
    const wrapper = mount(MediaAttachments, { props: { attachments: [pdf, photo] } })
    expect(wrapper.get('[data-testid="file-download"]').attributes('aria-label')).toBe('下载 minutes.pdf')
    expect(wrapper.get('[data-testid="message-image"]').attributes('aria-label')).toBe('查看 cat.jpg 原图')
  })
})

describe('RoomMessageItem text and files', () => {
  const base = { sender: 'Ann', at: Date.UTC(2026, 0, 1, 12) }

  it('links in the text open in a new tab without the opener or a referrer; the rest stays text', () => {
    const wrapper = mount(RoomMessageItem, { props: { message: { ...base, text: 'look at https://example.org/a?b=1 and <b>this</b>' }, mine: false } })
    const link = wrapper.get('[data-testid="message-link"]')
    expect(link.attributes()).toMatchObject({ href: 'https://example.org/a?b=1', target: '_blank', rel: 'noopener noreferrer nofollow' })
    expect(link.text()).toBe('https://example.org/a?b=1')
    const text = wrapper.get('[data-testid="message-text"]')
    expect(text.text()).toBe('look at https://example.org/a?b=1 and <b>this</b>')
    expect(text.find('b').exists()).toBe(false)
  })

  it('a message of files alone shows them without an empty text line', () => {
    const wrapper = mount(RoomMessageItem, { props: { message: { ...base, text: '', attachments: [photo, pdf] }, mine: false } })
    expect(wrapper.find('[data-testid="message-text"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="message-image"]')).toHaveLength(1)
    expect(wrapper.findAll('[data-testid="message-file"]')).toHaveLength(1)
  })

  it('a deleted message shows no files', () => {
    const wrapper = mount(RoomMessageItem, { props: { message: { ...base, text: '', deleted: true, attachments: [photo] }, mine: false } })
    expect(wrapper.find('[data-testid="message-image"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="message-deleted"]').text()).toBe('This message was deleted')
  })

  it('its labels and marks speak Chinese in the Chinese interface', () => {
    useTestLocale('zh-CN')
    const wrapper = mount(RoomMessageItem, { props: { message: { ...base, text: 'hi', edited: true, id: 'm1' }, mine: true, delivery: 'sent' } })
    expect(wrapper.get('[data-testid="edited-mark"]').text()).toBe('（已编辑）')
    expect(wrapper.get('[data-testid="action-reply"]').attributes('aria-label')).toBe('回复')
    expect(wrapper.get('[data-testid="action-delete"]').attributes('aria-label')).toBe('删除')
  })
})

describe('RoomMessageList with files', () => {
  it('the sender sees the files of a message still sending, and of the posted message after it', () => {
    const pendingEntry = { kind: 'pending' as const, key: 'own:c1', clientId: 'c1', text: '', writtenAt: 0, senderName: 'me', attachments: [photo] }
    const wrapper = mount(RoomMessageList, { props: { timeline: [pendingEntry] } })
    expect(wrapper.get('[data-testid="message-status"]').attributes('data-state')).toBe('sending')
    expect(wrapper.findAll('[data-testid="message-image"]')).toHaveLength(1)
  })

  it('a posted message shows its files', () => {
    const message = { type: 'chat' as const, seq: 1, id: 'm1', roomId: 'r', from: { id: 'u', name: 'Ann' }, text: 'minutes', at: 0, attachments: [pdf, clip] }
    const wrapper = mount(RoomMessageList, { props: { timeline: [{ kind: 'chat', key: 'm1', mine: false, message }] } })
    expect(wrapper.findAll('[data-testid="message-file"]')).toHaveLength(1)
    expect(wrapper.findAll('[data-testid="message-audio"]')).toHaveLength(1)
  })
})
