// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it } from 'vitest'
import RoomComposer from '~/components/room/RoomComposer.vue'
import { wrapSelection } from '~/utils/wrap-selection'

beforeEach(() => {
  localStorage.clear()
})

async function select(text: string, start: number, end: number) {
  const wrapper = mount(RoomComposer, { attachTo: document.body })
  const input = wrapper.get<HTMLTextAreaElement>('[data-testid="message-input"]')
  await input.setValue(text)
  input.element.setSelectionRange(start, end)
  return { wrapper, input }
}

describe('RoomComposer formatting shortcuts', () => {
  it('Ctrl+B wraps the selection in ** and keeps the same words selected; sending sends the plain text', async () => {
    const { wrapper, input } = await select('make this loud', 10, 14)
    await input.trigger('keydown', { key: 'b', ctrlKey: true })
    expect(input.element.value).toBe('make this **loud**')
    expect(input.element.value.slice(input.element.selectionStart, input.element.selectionEnd)).toBe('loud')
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toEqual([['make this **loud**']])
    wrapper.unmount()
  })

  it('Cmd+I wraps in _, and pressed again unwraps', async () => {
    const { wrapper, input } = await select('quietly said', 0, 7)
    await input.trigger('keydown', { key: 'i', metaKey: true })
    expect(input.element.value).toBe('_quietly_ said')
    await input.trigger('keydown', { key: 'i', metaKey: true })
    expect(input.element.value).toBe('quietly said')
    wrapper.unmount()
  })

  it('other shortcuts are left to the browser', async () => {
    const { wrapper, input } = await select('keep me', 0, 4)
    await input.trigger('keydown', { key: 'a', ctrlKey: true })
    await input.trigger('keydown', { key: 'b', ctrlKey: true, shiftKey: true })
    expect(input.element.value).toBe('keep me')
    wrapper.unmount()
  })
})

describe('wrapSelection', () => {
  it('with nothing selected puts the caret between the markers', () => {
    expect(wrapSelection({ text: 'ab', start: 1, end: 1 }, '**')).toEqual({ text: 'a****b', start: 3, end: 3 })
  })
})
