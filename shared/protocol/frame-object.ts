// The building blocks the frame schemas share.
import { custom, object, pipe, rawTransform, safeParse, transform, unknown } from 'valibot'
import type { GenericSchema, ObjectEntries, ObjectIssue } from 'valibot'

/** Every frame is checked to its first problem: that one is what the sender is told. */
export const FIRST_PROBLEM = { abortEarly: true } as const

/**
 * A frame's fields, in the order they are checked. Unknown keys are left out
 * of the result. A required field that is missing is refused with the
 * message its own schema gives for `undefined` ("name must be 1-32
 * characters"), not a generic one, so each field's message is written once.
 */
export function frameObject<const TEntries extends ObjectEntries>(entries: TEntries) {
  return object(entries, (issue: ObjectIssue) => missingFieldMessage(entries, issue))
}

function missingFieldMessage(entries: ObjectEntries, issue: ObjectIssue): string {
  const key = issue.path?.[0]?.key
  const schema = typeof key === 'string' ? entries[key] : undefined
  if (!schema) return issue.message
  return safeParse(schema, undefined, FIRST_PROBLEM).issues?.[0].message ?? issue.message
}

/** A field that is a string of at most `max` UTF-16 units. */
export function stringUpTo(max: number, message: string) {
  return custom<string>(value => typeof value === 'string' && value.length <= max, message)
}

/** An optional string where '' means not given. */
export function givenString(max: number, message: string) {
  return pipe(stringUpTo(max, message), transform((value): string | undefined => value || undefined))
}

/** An optional flag: true or false on the wire, kept only when true. */
export function flag(message: string) {
  return pipe(custom<boolean>(value => typeof value === 'boolean', message), transform((value): true | undefined => (value ? true : undefined)))
}

/** A field whose rule is a check function that cleans the value or says what is wrong with it. */
export function cleanedBy<TValue>(check: (value: unknown) => { ok: true, value: TValue } | { ok: false, message: string }): GenericSchema<unknown, TValue> {
  return pipe(unknown(), rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = check(dataset.value)
    if (checked.ok) return checked.value
    addIssue({ message: checked.message })
    return NEVER
  }))
}
