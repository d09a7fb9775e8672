import type { Ref } from 'vue'
import { shallowRef, watch } from 'vue'

export interface UseFileDropReturn {
  /** Files are being dragged over the target. */
  dragging: Readonly<Ref<boolean>>
}

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false
}

/**
 * Files dropped on `target` go to `onFiles`; text or links dragged over it are
 * left to the browser. `dragging` drives the hint while files hover.
 */
export function useFileDrop(target: Readonly<Ref<HTMLElement | undefined>>, onFiles: (files: File[]) => void): UseFileDropReturn {
  const dragging = shallowRef(false)
  // dragenter and dragleave fire for every child crossed: only the count says when the pointer left.
  let depth = 0

  function onEnter(event: DragEvent) {
    if (!carriesFiles(event)) return
    depth++
    dragging.value = true
  }

  function onOver(event: DragEvent) {
    if (!carriesFiles(event)) return
    // Without this the browser opens the file instead of dropping it here.
    event.preventDefault()
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
  }

  function onLeave(event: DragEvent) {
    if (!carriesFiles(event)) return
    depth = Math.max(0, depth - 1)
    if (depth === 0) dragging.value = false
  }

  function onDrop(event: DragEvent) {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth = 0
    dragging.value = false
    const files = [...(event.dataTransfer?.files ?? [])]
    if (files.length > 0) onFiles(files)
  }

  const listeners = { dragenter: onEnter, dragover: onOver, dragleave: onLeave, drop: onDrop } as const
  watch(target, (element, _, onCleanup) => {
    if (!element) return
    for (const [name, listener] of Object.entries(listeners)) element.addEventListener(name, listener as EventListener)
    onCleanup(() => {
      for (const [name, listener] of Object.entries(listeners)) element.removeEventListener(name, listener as EventListener)
    })
  }, { immediate: true })

  return { dragging }
}
