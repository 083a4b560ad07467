/**
 * Deepest nesting of arrays and objects a request may hold. An event needs 2
 * in a JSON body (the array, the event) and 1 on an NDJSON line; the bound
 * leaves room and still keeps every later step (validation, the dead-letter
 * writer's JSON.stringify) far from the recursion limit a deeper value hits.
 */
export const MAX_JSON_DEPTH = 64

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/**
 * Whether a JSON text nests arrays and objects deeper than maxDepth. One pass
 * over the characters, no recursion, nothing built (JSON.parse would build
 * every level first: 10 million nested arrays take it seconds and half a GB);
 * brackets inside strings do not count. Text that is not JSON gets an answer
 * too, and JSON.parse refuses it afterwards.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++
      if (depth > maxDepth) return true
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--
  }
  return false
}
