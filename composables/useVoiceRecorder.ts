import type { Ref } from 'vue'
import { getCurrentScope, onScopeDispose, shallowRef } from 'vue'

/** `stopped`: the longest clip was reached; it waits to be sent or cancelled. */
export type VoiceRecorderState = 'idle' | 'starting' | 'recording' | 'stopped'
/** Why recording could not start: no permission, no MediaRecorder or microphone, or the recorder failed. */
export type VoiceRecorderFailure = 'denied' | 'unsupported' | 'failed'

export interface VoiceClip {
  blob: Blob
  /** Measured from the recorder's start to its stop. */
  durationMs: number
  /** A file name with the extension of the recorded type. */
  name: string
}

export interface UseVoiceRecorderOptions {
  /** MediaRecorder constructor, replaceable in tests. @default globalThis.MediaRecorder */
  MediaRecorder?: typeof MediaRecorder
  /** Asks for the microphone. @default navigator.mediaDevices.getUserMedia */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>
  /** How often the running time is updated. @default 250 */
  tickMs?: number
  /** Longest clip: recording stops by itself after it (state `stopped`), and the clip is kept. @default 300000 (5 minutes) */
  maxDurationMs?: number
  /** Clock. @default Date.now */
  now?: () => number
}

export interface UseVoiceRecorderReturn {
  state: Readonly<Ref<VoiceRecorderState>>
  /** Time recorded so far. */
  elapsedMs: Readonly<Ref<number>>
  failure: Readonly<Ref<VoiceRecorderFailure | undefined>>
  /** Asks for the microphone and starts recording. */
  start: () => Promise<void>
  /** Stops and hands over the clip; undefined when nothing was recording. */
  stop: () => Promise<VoiceClip | undefined>
  /** Stops and throws the clip away. */
  cancel: () => void
}

// Chromium and Firefox record Opus in WebM; Safari only MP4 (AAC).
const CANDIDATE_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4;codecs=mp4a.40.2', 'audio/mp4']

/** The first type this browser records, or undefined to let it choose. */
export function pickRecordingType(Recorder: Pick<typeof MediaRecorder, 'isTypeSupported'>): string | undefined {
  return CANDIDATE_TYPES.find(type => Recorder.isTypeSupported(type))
}

function extensionOf(type: string): string {
  if (type.startsWith('audio/mp4')) return 'm4a'
  if (type.startsWith('audio/ogg')) return 'ogg'
  return 'webm'
}

/** One voice clip at a time from the microphone, with its running time. */
export function useVoiceRecorder(options: UseVoiceRecorderOptions = {}): UseVoiceRecorderReturn {
  const { tickMs = 250, maxDurationMs = 5 * 60 * 1000, now = Date.now } = options
  const Recorder = options.MediaRecorder ?? (typeof MediaRecorder === 'undefined' ? undefined : MediaRecorder)
  const getUserMedia = options.getUserMedia
    ?? (typeof navigator !== 'undefined' && navigator.mediaDevices ? navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices) : undefined)

  const state = shallowRef<VoiceRecorderState>('idle')
  const elapsedMs = shallowRef(0)
  const failure = shallowRef<VoiceRecorderFailure>()
  let recorder: MediaRecorder | undefined
  let stream: MediaStream | undefined
  let chunks: Blob[] = []
  let startedAt = 0
  let ticker: ReturnType<typeof setInterval> | undefined
  // Bumped by cancel and by every start: a slow permission prompt answered after a cancel starts nothing.
  let attempt = 0
  let onStopped: ((clip: VoiceClip | undefined) => void) | undefined
  // A clip that reached the longest length, waiting for stop() or cancel().
  let held: VoiceClip | undefined

  function release(next: VoiceRecorderState = 'idle') {
    clearInterval(ticker)
    ticker = undefined
    for (const track of stream?.getTracks() ?? []) track.stop()
    stream = undefined
    recorder = undefined
    state.value = next
  }

  async function start() {
    if (state.value !== 'idle') return
    failure.value = undefined
    held = undefined
    if (!Recorder || !getUserMedia) {
      failure.value = 'unsupported'
      return
    }
    const mine = ++attempt
    state.value = 'starting'
    let media: MediaStream
    try {
      media = await getUserMedia({ audio: true })
    }
    catch (error) {
      if (mine !== attempt) return
      state.value = 'idle'
      failure.value = (error as { name?: string }).name === 'NotAllowedError' ? 'denied' : 'unsupported'
      return
    }
    if (mine !== attempt) {
      for (const track of media.getTracks()) track.stop()
      return
    }
    stream = media
    try {
      const mimeType = pickRecordingType(Recorder)
      recorder = new Recorder(media, mimeType ? { mimeType } : undefined)
    }
    catch {
      release()
      failure.value = 'failed'
      return
    }
    const current = recorder
    chunks = []
    current.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) chunks.push(event.data)
    })
    current.addEventListener('stop', () => {
      const durationMs = now() - startedAt
      const type = current.mimeType || chunks[0]?.type || 'audio/webm'
      const clip = chunks.length > 0 ? { blob: new Blob(chunks, { type }), durationMs, name: `voice-${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}.${extensionOf(type)}` } : undefined
      const deliver = onStopped
      onStopped = undefined
      if (recorder !== current) return
      if (deliver) {
        release()
        deliver(clip)
      }
      else {
        elapsedMs.value = durationMs
        held = clip
        release('stopped')
      }
    })
    startedAt = now()
    elapsedMs.value = 0
    current.start()
    state.value = 'recording'
    ticker = setInterval(() => {
      elapsedMs.value = now() - startedAt
      if (elapsedMs.value >= maxDurationMs && recorder === current && current.state === 'recording') current.stop()
    }, tickMs)
  }

  function stop(): Promise<VoiceClip | undefined> {
    if (state.value === 'stopped') {
      const clip = held
      held = undefined
      state.value = 'idle'
      return Promise.resolve(clip)
    }
    const current = recorder
    if (!current || current.state === 'inactive') return Promise.resolve(undefined)
    return new Promise((resolve) => {
      onStopped = resolve
      current.stop()
    })
  }

  function cancel() {
    attempt++
    const current = recorder
    onStopped = undefined
    held = undefined
    release()
    if (current && current.state !== 'inactive') current.stop()
  }

  if (getCurrentScope()) onScopeDispose(cancel)

  return { state, elapsedMs, failure, start, stop, cancel }
}
