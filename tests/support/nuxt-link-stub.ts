import { defineComponent, h } from 'vue'

/** NuxtLink as a plain link, for component tests that run without Nuxt. */
export const NuxtLinkStub = defineComponent({
  props: { to: { type: String, required: true } },
  setup: (props, { slots }) => () => h('a', { href: props.to }, slots.default?.()),
})
