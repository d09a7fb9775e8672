import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../shared/protocol'
import { asSentence, closeRefusal, joinRefusalError, refusalText } from '../../utils/refusals'
import { createTestI18n } from '../support/i18n'

const english = createTestI18n('en').global.t
const chinese = createTestI18n('zh-CN').global.t

describe('join refusals as the form shows them', () => {
  it('puts each refusal next to the field to fix, in a sentence with a capital letter', () => {
    const context = { name: 'Ada', passwordSent: true }
    expect(joinRefusalError({ code: 'NAME_TAKEN', message: 'someone in this room is already called Ada' }, context, english))
      .toEqual({ field: 'name', message: 'Someone in this room is already called Ada. Pick another name.' })
    expect(joinRefusalError({ code: 'WRONG_PASSWORD', message: 'that password does not open this room' }, context, english))
      .toEqual({ field: 'password', message: 'That password does not open this room.' })
    expect(joinRefusalError({ code: 'WRONG_PASSWORD', message: 'that password does not open this room' }, { ...context, passwordSent: false }, english))
      .toEqual({ field: 'password', message: 'This room is protected: enter its password.' })
    for (const code of ['ROOM_FULL', 'SERVER_FULL', 'TOO_MANY_CONNECTIONS', 'BAD_REQUEST'] as const) {
      const error = joinRefusalError({ code, message: 'name must be 1-32 characters' }, context, english)
      expect(error.field).toBe('form')
      expect(error.message).toMatch(/^[A-Z].*\.$/)
    }
  })

  it('says the refusal in Chinese when the page is in Chinese', () => {
    const context = { name: 'Ada', passwordSent: true }
    expect(joinRefusalError({ code: 'NAME_TAKEN', message: 'someone in this room is already called Ada' }, context, chinese))
      .toEqual({ field: 'name', message: '房间里已经有人叫 Ada。请换一个名字。' })
    expect(joinRefusalError({ code: 'ROOM_FULL', message: 'room is full' }, context, chinese).message).toBe('这个房间已满。请等有人离开后再试。')
  })

  it('asSentence capitalises and ends a server message, and leaves a finished sentence alone', () => {
    expect(asSentence('frames are limited to 16384 bytes')).toBe('Frames are limited to 16384 bytes.')
    expect(asSentence('Too many connections. Close some tabs!')).toBe('Too many connections. Close some tabs!')
  })
})

describe('server error codes on the page', () => {
  it('every code of the protocol has its own message in each language, never the bare key', () => {
    for (const code of ERROR_CODES) {
      for (const t of [english, chinese]) {
        const text = refusalText({ code, message: 'server text' }, t)
        expect(text).not.toBe(`errors.${code}`)
        expect(text).not.toBe('Server text.')
      }
      expect(refusalText({ code, message: 'x' }, chinese)).not.toBe(refusalText({ code, message: 'x' }, english))
    }
  })

  it('a code this page does not know shows the server\'s own text as a sentence', () => {
    expect(refusalText({ code: 'SOMETHING_NEW', message: 'the server has a new rule' }, chinese)).toBe('The server has a new rule.')
  })

  it('a close the page explains itself is said in the page\'s language', () => {
    const refusal = closeRefusal(4029)!
    expect(refusalText(refusal, english)).toBe('Too many connections from this address. Close some tabs, then press Reconnect.')
    expect(refusalText(refusal, chinese)).toBe('来自此地址的连接过多。请关闭一些标签页，然后点击“重新连接”。')
  })
})
