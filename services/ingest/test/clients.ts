import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * Real HTTP clients for tests against a listening server: what a sender sees
 * (a status and a body, or the transport error that replaced them).
 */
export type Answer = { status: number; body: string } | { failed: string }

export type ClientKind = 'fetch' | 'send-then-read' | 'curl'

export interface Post {
  url: string
  headers: Record<string, string>
  body: Buffer
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  chunked: boolean
}

const runFile = promisify(execFile)
const CHUNK = 64 * 1024

export function postWith(kind: ClientKind, post: Post): Promise<Answer> {
  if (kind === 'fetch') return fetchPost(post)
  if (kind === 'curl') return curlPost(post)
  return sendThenRead(post)
}

/** Node's fetch (undici); a stream body goes chunked. */
export async function fetchPost({ url, headers, body, chunked }: Post): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: chunked ? chunksOf(body) : body,
      ...(chunked ? { duplex: 'half' } : {}),
    } as RequestInit)
    return { status: response.status, body: await response.text() }
  } catch (err) {
    return { failed: String((err as Error).cause ?? err) }
  }
}

function chunksOf(body: Buffer): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) controller.close()
      else controller.enqueue(body.subarray(offset, offset + CHUNK))
      offset += CHUNK
    },
  })
}

/** curl --data-binary @file, when curl is installed. */
export async function curlPost({ url, headers, body, chunked }: Post): Promise<Answer> {
  const file = join(tmpdir(), `adpulse-ingest-body-${process.pid}-${body.length}`)
  await writeFile(file, body)
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  if (chunked) headerArgs.push('-H', 'Transfer-Encoding: chunked')
  try {
    const { stdout } = await runFile(
      'curl',
      ['-sS', '-w', '\n%{http_code}', ...headerArgs, '--data-binary', `@${file}`, url],
      { maxBuffer: 1024 * 1024 },
    )
    const at = stdout.lastIndexOf('\n')
    return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) }
  } catch (err) {
    return { failed: String((err as { stderr?: string }).stderr ?? err).trim() }
  } finally {
    await rm(file, { force: true })
  }
}

export async function hasCurl(): Promise<boolean> {
  try {
    await runFile('curl', ['--version'])
    return true
  } catch {
    return false
  }
}

/**
 * A client that writes its whole request before it reads a byte of the
 * answer, as Python's http.client and many SDKs do: if the server closes
 * while it is still sending, it gets a broken pipe and never sees the status.
 */
export function sendThenRead({ url, headers, body, chunked }: Post): Promise<Answer> {
  const { hostname, port, pathname } = new URL(url)
  const head = [
    `POST ${pathname} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n')
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.once('error', (err) => resolve({ failed: err.message }))
    socket.write(head)
    const parts = chunked ? chunkedParts(body) : [body]
    const last = parts.pop() as Buffer
    for (const part of parts) socket.write(part)
    // Only once the last byte is handed to the kernel does it start reading.
    socket.write(last, (err) => {
      if (err) return
      const received: Buffer[] = []
      socket.on('data', (data: Buffer) => received.push(data))
      socket.once('end', () => resolve(parseAnswer(Buffer.concat(received).toString())))
    })
  })
}

function chunkedParts(body: Buffer): Buffer[] {
  const parts: Buffer[] = []
  for (let offset = 0; offset < body.length; offset += CHUNK) {
    const chunk = body.subarray(offset, offset + CHUNK)
    parts.push(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]))
  }
  parts.push(Buffer.from('0\r\n\r\n'))
  return parts
}

function parseAnswer(text: string): Answer {
  const end = text.indexOf('\r\n\r\n')
  const status = /^HTTP\/1\.1 (\d{3})/.exec(text)
  if (end === -1 || !status) return { failed: `no HTTP answer, got ${JSON.stringify(text.slice(0, 80))}` }
  return { status: Number(status[1]), body: text.slice(end + 4) }
}
