// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import MediaUploadList from '~/components/media/MediaUploadList.vue'
import type { Upload } from '~/composables/useUploads'

const pasted: Upload = { key: 'u1', name: 'image.png', size: 2048, loaded: 0, state: 'uploading', preview: 'blob:http://localhost/1234' }
const notes: Upload = { key: 'u2', name: 'notes.txt', size: 10, loaded: 10, state: 'done' }

describe('MediaUploadList', () => {
  it('shows a pasted image as a thumbnail in its row before it is sent; other files have none', () => {
    const list = mount(MediaUploadList, { props: { uploads: [pasted, notes] } })
    const [imageRow, fileRow] = list.findAll('[data-testid="upload-progress"]')
    const thumbnail = imageRow!.get('[data-testid="upload-preview"]')
    expect(thumbnail.element.tagName).toBe('IMG')
    expect(thumbnail.attributes('src')).toBe('blob:http://localhost/1234')
    // The row's name says what it is; the thumbnail adds nothing for a screen reader.
    expect(thumbnail.attributes('alt')).toBe('')
    expect(fileRow!.find('[data-testid="upload-preview"]').exists()).toBe(false)
  })
})
