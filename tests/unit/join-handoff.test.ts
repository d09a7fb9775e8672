// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { handOverJoin, takeHandedOverJoin } from '../../utils/join-handoff'

describe('the join handed from the start page to the room page', () => {
  afterEach(() => {
    takeHandedOverJoin('')
    sessionStorage.clear()
    localStorage.clear()
  })

  it('carries the password and the create choice once, for its own room only, and writes nothing to storage', () => {
    handOverJoin({ name: 'Ada', roomId: 'design', password: 'open sesame', create: true, title: 'Design review' })
    expect(takeHandedOverJoin('other')).toBeUndefined()
    // A take for another room drops it too: a password never waits in memory for a later page.
    expect(takeHandedOverJoin('design')).toBeUndefined()

    handOverJoin({ name: 'Ada', roomId: 'design', password: 'open sesame', create: true })
    expect(takeHandedOverJoin('design')).toEqual({ name: 'Ada', roomId: 'design', password: 'open sesame', create: true })
    expect(takeHandedOverJoin('design')).toBeUndefined()
    expect(JSON.stringify({ ...sessionStorage, ...localStorage })).not.toContain('open sesame')
  })
})
