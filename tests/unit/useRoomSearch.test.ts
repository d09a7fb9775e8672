import { effectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useRoomSearch } from '../../composables/useRoomSearch'
import type { LobbyRoom } from '../../shared/protocol'

const room = (id: string): LobbyRoom => ({ id, title: id, online: 0, members: 1 })

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function mountSearch(fetchPage: (query: string, limit: number) => Promise<{ rooms: LobbyRoom[] }>) {
  const scope = effectScope()
  const search = scope.run(() => useRoomSearch({ fetchPage }))!
  return { search, scope }
}

describe('useRoomSearch', () => {
  it('asks the server once the person stops typing, not at every key', async () => {
    const fetchPage = vi.fn(async (query: string) => ({ rooms: [room(query)] }))
    const { search } = mountSearch(fetchPage)
    search.search('b')
    vi.advanceTimersByTime(100)
    search.search('bo')
    vi.advanceTimersByTime(299)
    expect(fetchPage).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(fetchPage).toHaveBeenCalledTimes(1)
    expect(fetchPage).toHaveBeenCalledWith('bo', 20)
    await vi.runAllTimersAsync()
    expect(search.found.value).toEqual([room('bo')])
  })

  it('drops the answer to an older query, and clears on an empty one', async () => {
    let answer: ((value: { rooms: LobbyRoom[] }) => void) | undefined
    const { search } = mountSearch(() => new Promise((resolve) => { answer = resolve }))
    search.search('old')
    vi.advanceTimersByTime(300)
    search.search('')
    answer!({ rooms: [room('old')] })
    await vi.runAllTimersAsync()
    expect(search.found.value).toEqual([])
  })

  it('asks nothing after its scope ends', () => {
    const fetchPage = vi.fn(async () => ({ rooms: [] }))
    const { search, scope } = mountSearch(fetchPage)
    search.search('x')
    scope.stop()
    vi.advanceTimersByTime(1000)
    expect(fetchPage).not.toHaveBeenCalled()
  })
})
