import { describe, expect, it } from 'vitest'
import { asSentence, joinRefusalError } from '../../utils/refusals'

describe('join refusals as the form shows them', () => {
  it('puts each refusal next to the field to fix, in a sentence with a capital letter', () => {
    const context = { name: 'Ada', passwordSent: true }
    expect(joinRefusalError({ code: 'NAME_TAKEN', message: 'someone in this room is already called Ada' }, context))
      .toEqual({ field: 'name', message: 'Someone in this room is already called Ada. Pick another name.' })
    expect(joinRefusalError({ code: 'WRONG_PASSWORD', message: 'that password does not open this room' }, context))
      .toEqual({ field: 'password', message: 'That password does not open this room.' })
    expect(joinRefusalError({ code: 'WRONG_PASSWORD', message: 'that password does not open this room' }, { ...context, passwordSent: false }))
      .toEqual({ field: 'password', message: 'This room is protected: enter its password.' })
    for (const code of ['ROOM_FULL', 'SERVER_FULL', 'TOO_MANY_CONNECTIONS', 'BAD_REQUEST'] as const) {
      const error = joinRefusalError({ code, message: 'name must be 1-32 characters' }, context)
      expect(error.field).toBe('form')
      expect(error.message).toMatch(/^[A-Z].*\.$/)
    }
  })

  it('asSentence capitalises and ends a server message, and leaves a finished sentence alone', () => {
    expect(asSentence('frames are limited to 16384 bytes')).toBe('Frames are limited to 16384 bytes.')
    expect(asSentence('Too many connections. Close some tabs!')).toBe('Too many connections. Close some tabs!')
  })
})
