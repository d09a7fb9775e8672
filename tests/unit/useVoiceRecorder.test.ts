// @vitest-environment happy-dom
import { effectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { pickRecordingType, useVoiceRecorder } from '../../composables/useVoiceRecorder'
import type { UseVoiceRecorderOptions } from '../../composables/useVoiceRecorder'
import { fakeStream, FakeRecorder } from './fake-media-recorder'

function setup(options: Partial<UseVoiceRecorderOptions> = {}) {
  const { stream, track } = fakeStream()
  const getUserMedia = vi.fn(async () => stream)
  const scope = effectScope()
  const recorder = scope.run(() => useVoiceRecorder({
    MediaRecorder: FakeRecorder as unknown as typeof MediaRecorder,
    getUserMedia,
    now: () => Date.now(),
    ...options,
  }))!
  return { recorder, track, getUserMedia, scope }
}

beforeEach(() => {
  vi.useFakeTimers()
  FakeRecorder.supported = new Set(['audio/webm;codecs=opus', 'audio/webm'])
})
afterEach(() => vi.useRealTimers())

describe('useVoiceRecorder', () => {
  it('records webm/opus where supported and mp4 where only that is (Safari)', () => {
    expect(pickRecordingType(FakeRecorder)).toBe('audio/webm;codecs=opus')
    FakeRecorder.supported = new Set(['audio/mp4'])
    expect(pickRecordingType(FakeRecorder)).toBe('audio/mp4')
  })

  it('shows the running time, and stop hands over the clip with its measured duration and the microphone released', async () => {
    const { recorder, track, getUserMedia } = setup()
    await recorder.start()
    expect(getUserMedia).toHaveBeenCalledWith({ audio: true })
    expect(recorder.state.value).toBe('recording')
    expect(FakeRecorder.last?.mimeType).toBe('audio/webm;codecs=opus')
    vi.advanceTimersByTime(2250)
    expect(recorder.elapsedMs.value).toBe(2250)
    vi.advanceTimersByTime(750)
    const clip = await recorder.stop()
    expect(clip?.durationMs).toBe(3000)
    expect(clip?.blob.type).toBe('audio/webm;codecs=opus')
    expect(clip?.name).toMatch(/^voice-.*\.webm$/)
    expect(recorder.state.value).toBe('idle')
    expect(track.stop).toHaveBeenCalled()
  })

  it('a Safari clip is named .m4a', async () => {
    FakeRecorder.supported = new Set(['audio/mp4'])
    const { recorder } = setup()
    await recorder.start()
    const clip = await recorder.stop()
    expect(clip?.name).toMatch(/\.m4a$/)
  })

  it('cancel throws the clip away and releases the microphone', async () => {
    const { recorder, track } = setup()
    await recorder.start()
    recorder.cancel()
    expect(recorder.state.value).toBe('idle')
    expect(track.stop).toHaveBeenCalled()
    expect(FakeRecorder.last?.state).toBe('inactive')
    expect(await recorder.stop()).toBeUndefined()
  })

  it('a refused microphone says so and records nothing', async () => {
    const { recorder } = setup({ getUserMedia: () => Promise.reject(Object.assign(new Error('no'), { name: 'NotAllowedError' })) })
    await recorder.start()
    expect(recorder.state.value).toBe('idle')
    expect(recorder.failure.value).toBe('denied')
  })

  it('a browser without MediaRecorder says it cannot record', async () => {
    const { recorder } = setup({ MediaRecorder: undefined, getUserMedia: undefined })
    vi.stubGlobal('MediaRecorder', undefined)
    await recorder.start()
    expect(recorder.failure.value).toBe('unsupported')
    vi.unstubAllGlobals()
  })

  it('stops by itself at the longest length and keeps the clip for sending', async () => {
    const { recorder, track } = setup({ maxDurationMs: 1000 })
    await recorder.start()
    vi.advanceTimersByTime(999)
    expect(recorder.state.value).toBe('recording')
    vi.advanceTimersByTime(1)
    vi.runAllTicks()
    await Promise.resolve()
    expect(recorder.state.value).toBe('stopped')
    expect(track.stop).toHaveBeenCalled()
    const clip = await recorder.stop()
    expect(clip?.durationMs).toBe(1000)
    expect(recorder.state.value).toBe('idle')
  })

  it('a permission answered after a cancel starts nothing', async () => {
    let grant: (stream: MediaStream) => void = () => {}
    const { stream, track } = fakeStream()
    const { recorder } = setup({ getUserMedia: () => new Promise(resolve => (grant = resolve)) })
    const starting = recorder.start()
    expect(recorder.state.value).toBe('starting')
    recorder.cancel()
    grant(stream)
    await starting
    expect(recorder.state.value).toBe('idle')
    expect(track.stop).toHaveBeenCalled()
  })
})
