// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { HELD_ROOMS_MAX, forgetVisit, heldRooms, readVisit, rememberVisit } from '../../utils/room-visits'

afterEach(() => localStorage.clear())

describe('room visits ("Your rooms")', () => {
  it('lists the rooms holding a member token, the most recently visited first, with what was seen', () => {
    localStorage.setItem('heartbeat:token:older', 't1')
    localStorage.setItem('heartbeat:token:newer', 't2')
    localStorage.setItem('heartbeat:token:bad id!', 't3')
    localStorage.setItem('heartbeat:name', 'Ada')
    rememberVisit(localStorage, 'older', { at: 1000, seenSeq: 4, title: 'Old' })
    rememberVisit(localStorage, 'newer', { at: 2000, peer: 'Bob' })
    expect(heldRooms(localStorage)).toEqual([
      { roomId: 'newer', token: 't2', at: 2000, peer: 'Bob' },
      { roomId: 'older', token: 't1', at: 1000, seenSeq: 4, title: 'Old' },
    ])
  })

  it('never moves the seen seq back, and forgets a visit', () => {
    rememberVisit(localStorage, 'r', { seenSeq: 9 })
    rememberVisit(localStorage, 'r', { seenSeq: 3, title: 'T' })
    expect(readVisit(localStorage, 'r')).toMatchObject({ seenSeq: 9, title: 'T' })
    forgetVisit(localStorage, 'r')
    expect(readVisit(localStorage, 'r')).toBeUndefined()
  })

  it('lists at most HELD_ROOMS_MAX rooms', () => {
    for (let index = 0; index < HELD_ROOMS_MAX + 10; index++) localStorage.setItem(`heartbeat:token:r${index}`, 't')
    expect(heldRooms(localStorage)).toHaveLength(HELD_ROOMS_MAX)
  })

  it('ignores a visit record that is not JSON', () => {
    localStorage.setItem('heartbeat:visit:r', '{nope')
    expect(readVisit(localStorage, 'r')).toBeUndefined()
  })
})
