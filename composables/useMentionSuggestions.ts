import type { ComputedRef, MaybeRefOrGetter, Ref } from 'vue'
import { computed, nextTick, shallowRef, toValue, watch } from 'vue'
import { mentionQuery } from '../utils/conversation'

export interface UseMentionSuggestionsOptions {
  /** The text being written; completing a name rewrites it. */
  draft: Ref<string>
  /** The box the text is written in: its caret says which `@word` is being typed. */
  box: Readonly<Ref<HTMLTextAreaElement | undefined>>
  /** Names offered after `@`. @default [] */
  names?: MaybeRefOrGetter<string[] | undefined>
  /** Suggestions shown at most. @default 6 */
  max?: number
}

export interface UseMentionSuggestionsReturn {
  /** Names that start with what follows the `@` at the caret; empty when the caret is not in an `@word`. */
  suggestions: ComputedRef<string[]>
  /** Index of the suggestion that Enter or Tab takes. */
  picked: Ref<number>
  /** Where the caret is in the draft; read again on input, click and keyup. */
  caret: Ref<number>
  /** Reads the caret from the box. */
  trackCaret: () => void
  /** Replaces the `@word` at the caret with `@name ` and puts the caret after it. */
  complete: (name: string) => Promise<void>
  /** Completes the picked suggestion; false when none is shown. */
  completePicked: () => boolean
  /** Arrow keys move the pick, Tab completes it; other keys are left alone. */
  onKey: (event: KeyboardEvent) => void
}

/** Suggestions of member names while an `@mention` is being typed, and their completion. */
export function useMentionSuggestions(options: UseMentionSuggestionsOptions): UseMentionSuggestionsReturn {
  const { draft, box, names = [], max = 6 } = options
  const caret = shallowRef(0)
  const picked = shallowRef(0)
  const mention = computed(() => mentionQuery(draft.value, caret.value))
  const suggestions = computed(() => {
    const query = mention.value?.query.toLocaleLowerCase()
    if (query === undefined) return []
    return (toValue(names) ?? []).filter(name => name.toLocaleLowerCase().startsWith(query)).slice(0, max)
  })

  watch(suggestions, () => { picked.value = 0 })

  function trackCaret() {
    caret.value = box.value?.selectionStart ?? draft.value.length
  }

  async function complete(name: string) {
    const found = mention.value
    if (!found) return
    const after = draft.value.slice(caret.value)
    draft.value = `${draft.value.slice(0, found.start)}@${name} ${after}`
    const position = found.start + name.length + 2
    await nextTick()
    box.value?.setSelectionRange(position, position)
    box.value?.focus()
    caret.value = position
  }

  function completePicked(): boolean {
    if (suggestions.value.length === 0) return false
    void complete(suggestions.value[picked.value] ?? suggestions.value[0]!)
    return true
  }

  function onKey(event: KeyboardEvent) {
    if (suggestions.value.length === 0) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      picked.value = (picked.value + step + suggestions.value.length) % suggestions.value.length
    }
    else if (event.key === 'Tab') {
      event.preventDefault()
      completePicked()
    }
  }

  return { suggestions, picked, caret, trackCaret, complete, completePicked, onKey }
}
