import { describe, expect, it } from 'vitest'
import { outboxStore } from '../../utils/outbox'
import { memoryStorage } from './heartbeat-socket-harness'

const item = (clientId: string) => ({ clientId, text: `text ${clientId}`, writtenAt: 1 })

describe('outboxStore', () => {
  it('two tabs of the room add to the stored outbox rather than overwrite each other', () => {
    const storage = memoryStorage()
    const firstTab = outboxStore(storage, 'lobby')
    const secondTab = outboxStore(storage, 'lobby')
    firstTab.add(item('a'))
    secondTab.add(item('b'))
    firstTab.remove(['a'])
    expect(secondTab.read()).toEqual([item('b')])
  })

  it('keeps each room under its own key and removes the key once empty', () => {
    const storage = memoryStorage()
    const store = outboxStore(storage, 'lobby')
    store.add(item('a'))
    expect([...storage.items.keys()]).toEqual(['heartbeat:outbox:lobby'])
    store.remove(['a'])
    expect(storage.items.size).toBe(0)
  })

  it('ignores what it cannot have written: bad JSON, a non-array, items of the wrong shape', () => {
    for (const stored of ['{not json', '{"clientId":"a"}', JSON.stringify([item('ok'), { clientId: 7 }, { ...item('blank'), text: ' ' }])]) {
      const store = outboxStore(memoryStorage({ 'heartbeat:outbox:lobby': stored }), 'lobby')
      expect(store.read()).toEqual(stored.includes('"ok"') ? [item('ok')] : [])
    }
  })

  it('works without storage, and where storage throws', () => {
    const throwing = { getItem: () => { throw new Error('blocked') }, setItem: () => { throw new Error('blocked') }, removeItem: () => {} }
    for (const storage of [undefined, throwing]) {
      const store = outboxStore(storage, 'lobby')
      store.add(item('a'))
      expect(store.read()).toEqual([])
    }
  })
})
