// @vitest-environment happy-dom
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import MediaAttachments from '~/components/media/MediaAttachments.vue'
import type { FileInfo } from '~/shared/protocol'

// Data URLs: happy-dom fetches the src of an image in the document, and there is no server here.
const full = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='
const photo: FileInfo = { id: 'p', name: 'cat.jpg', type: 'image/jpeg', size: 2_400_000, url: full, thumbUrl: `${full}#thumb`, width: 4000, height: 3000 }

const viewer = () => document.querySelector<HTMLDialogElement>('[data-testid="image-viewer"]')

afterEach(() => {
  document.body.innerHTML = ''
})

function openViewer() {
  const wrapper = mount(MediaAttachments, { props: { attachments: [photo] }, attachTo: document.body })
  const link = wrapper.get('[data-testid="message-image"]').element as HTMLAnchorElement
  link.focus()
  const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 })
  link.dispatchEvent(click)
  return { wrapper, link, click }
}

describe('the image viewer', () => {
  it('a click opens the image in a dialog on the page, not the raw file in a new tab', async () => {
    const { click } = openViewer()
    await flushPromises()
    expect(click.defaultPrevented).toBe(true)
    const dialog = viewer()!
    expect(dialog.open).toBe(true)
    expect(dialog.getAttribute('aria-label')).toBe('cat.jpg')
    expect(dialog.querySelector('img')?.getAttribute('src')).toBe(full)
    expect(dialog.querySelector('img')?.getAttribute('alt')).toBe('cat.jpg')
    // Focus moves into the dialog; the original stays one link away.
    expect(dialog.contains(document.activeElement)).toBe(true)
    const original = dialog.querySelector<HTMLAnchorElement>('[data-testid="image-viewer-original"]')!
    expect(original.getAttribute('href')).toBe(full)
    expect(original.getAttribute('target')).toBe('_blank')
  })

  it('Esc closes it and gives focus back to the image', async () => {
    const { wrapper, link } = openViewer()
    await wrapper.vm.$nextTick()
    viewer()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }))
    await wrapper.vm.$nextTick()
    expect(viewer()).toBeNull()
    expect(document.activeElement).toBe(link)
  })

  it('the close button closes it and gives focus back to the image', async () => {
    const { wrapper, link } = openViewer()
    await wrapper.vm.$nextTick()
    const close = viewer()!.querySelector<HTMLButtonElement>('[data-testid="image-viewer-close"]')!
    expect(close.getAttribute('aria-label')).toBe('Close')
    close.click()
    await wrapper.vm.$nextTick()
    expect(viewer()).toBeNull()
    expect(document.activeElement).toBe(link)
  })

  it('a click with Ctrl or the middle button still opens the file the browser\'s way', () => {
    const wrapper = mount(MediaAttachments, { props: { attachments: [photo] }, attachTo: document.body })
    let preventedByPage: boolean | undefined
    // Seen after the page's handlers; then stopped, as happy-dom would otherwise follow the link.
    document.addEventListener('click', (event) => {
      preventedByPage = event.defaultPrevented
      event.preventDefault()
    }, { once: true })
    wrapper.get('[data-testid="message-image"]').element.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }))
    expect(preventedByPage).toBe(false)
    expect(viewer()).toBeNull()
  })
})
