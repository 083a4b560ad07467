/** The read key of every test process (testEnvironment sets ADPULSE_READ_KEYS to it). */
export const TEST_READ_KEY = 'test-read-key-0123456789'

/** Headers of a GET on a /v1 read route: `fetch(url, { headers: readHeaders() })`. */
export function readHeaders(key: string = TEST_READ_KEY): { authorization: string } {
  return { authorization: `Bearer ${key}` }
}
