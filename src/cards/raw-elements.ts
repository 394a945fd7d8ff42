const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const MINUS = 0x2d
const isWhitespace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d
const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39

export interface RawPage {
  data: Buffer[] | undefined
  totalCount: number | undefined
}

/**
 * Each card keeps its exact bytes, so it is spliced without being decoded or re-serialized. Safe for UTF-8: every
 * byte of a multi-byte character is 0x80 or above. Finds boundaries only: the client already checked the shape.
 */
export function rawPage (json: Buffer): RawPage {
  const scan = new Scanner(json)
  const page: RawPage = { data: undefined, totalCount: undefined }
  scan.skipWhitespace()
  scan.expect(OPEN_BRACE)
  scan.skipWhitespace()
  if (scan.peek() === CLOSE_BRACE) return page
  for (;;) {
    scan.skipWhitespace()
    // Keys are decoded: "\u0064ata" is `data` too.
    const key = JSON.parse(scan.string().toString('utf8')) as string
    scan.skipWhitespace()
    scan.expect(COLON)
    scan.skipWhitespace()
    if (key === 'data') {
      page.data = scan.peek() === OPEN_BRACKET ? scan.arrayElements() : (scan.value(), undefined)
    } else if (key === 'total_count') {
      const first = scan.peek()
      const value = scan.value()
      page.totalCount = first === MINUS || isDigit(first) ? Number(value.toString('latin1')) : undefined
    } else {
      scan.value()
    }
    if (scan.separator(CLOSE_BRACE)) return page
  }
}

class Scanner {
  readonly #bytes: Buffer
  #at = 0

  constructor (bytes: Buffer) { this.#bytes = bytes }

  peek (): number | undefined { return this.#bytes[this.#at] }

  next (): number | undefined { return this.#bytes[this.#at++] }

  expect (byte: number): void {
    if (this.next() !== byte) throw new SyntaxError(`expected ${String.fromCharCode(byte)} at ${this.#at - 1}`)
  }

  skipWhitespace (): void {
    while (isWhitespace(this.#bytes[this.#at])) this.#at++
  }

  separator (close: number): boolean {
    this.skipWhitespace()
    const byte = this.next()
    if (byte === close) return true
    if (byte !== COMMA) throw new SyntaxError(`expected , or ${String.fromCharCode(close)} at ${this.#at - 1}`)
    return false
  }

  string (): Buffer {
    const start = this.#at
    this.expect(QUOTE)
    for (;;) {
      const byte = this.next()
      if (byte === undefined) throw new SyntaxError('unterminated string')
      if (byte === BACKSLASH) this.#at++
      else if (byte === QUOTE) return this.#bytes.subarray(start, this.#at)
    }
  }

  value (): Buffer {
    const start = this.#at
    const byte = this.peek()
    if (byte === QUOTE) return this.string()
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      const close = byte === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET
      this.#at++
      this.skipWhitespace()
      if (this.peek() === close) {
        this.#at++
      } else {
        do {
          this.skipWhitespace()
          if (byte === OPEN_BRACE) {
            this.string()
            this.skipWhitespace()
            this.expect(COLON)
            this.skipWhitespace()
          }
          this.value()
        } while (!this.separator(close))
      }
    } else {
      // A number, true, false or null: it runs to the next delimiter.
      for (let next = this.peek(); next !== undefined && !isDelimiter(next); next = this.peek()) this.#at++
    }
    return this.#bytes.subarray(start, this.#at)
  }

  arrayElements (): Buffer[] {
    const elements: Buffer[] = []
    this.expect(OPEN_BRACKET)
    this.skipWhitespace()
    if (this.peek() === CLOSE_BRACKET) { this.#at++; return elements }
    do {
      this.skipWhitespace()
      elements.push(this.value())
    } while (!this.separator(CLOSE_BRACKET))
    return elements
  }
}

function isDelimiter (byte: number): boolean {
  return isWhitespace(byte) || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE
}
