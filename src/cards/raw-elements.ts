const WHITESPACE = new Set([' ', '\t', '\n', '\r'])

/**
 * The elements of a JSON object's top-level `data` array, each as the exact text it has in `json`
 * (spacing, key order, escapes and number spellings included), so cards can be spliced into a new
 * document without being re-serialized. `json` must already be valid JSON (the client checked the
 * page's shape): this scanner only finds boundaries, it does not validate. Like JSON.parse, a
 * repeated `data` key counts with its last value. Undefined when there is no `data` array.
 */
export function rawDataElements (json: string): string[] | undefined {
  const scan = new Scanner(json)
  scan.skipWhitespace()
  scan.expect('{')
  let found: string[] | undefined
  scan.skipWhitespace()
  if (scan.peek() === '}') return undefined
  for (;;) {
    scan.skipWhitespace()
    // Keys are decoded: "\u0064ata" is `data` too.
    const key = JSON.parse(scan.string()) as string
    scan.skipWhitespace()
    scan.expect(':')
    scan.skipWhitespace()
    if (key === 'data') found = scan.peek() === '[' ? scan.arrayElements() : (scan.value(), undefined)
    else scan.value()
    if (scan.separator('}')) return found
  }
}

class Scanner {
  readonly #text: string
  #at = 0

  constructor (text: string) { this.#text = text }

  peek (): string | undefined { return this.#text[this.#at] }

  next (): string | undefined { return this.#text[this.#at++] }

  expect (char: string): void {
    if (this.next() !== char) throw new SyntaxError(`expected ${char} at ${this.#at - 1}`)
  }

  skipWhitespace (): void {
    while (WHITESPACE.has(this.#text[this.#at] ?? '')) this.#at++
  }

  /** After a member or element: true at `close`, false at a comma; anything else is not JSON. */
  separator (close: string): boolean {
    this.skipWhitespace()
    const char = this.next()
    if (char === close) return true
    if (char !== ',') throw new SyntaxError(`expected , or ${close} at ${this.#at - 1}`)
    return false
  }

  /** A string token, quotes included, as written. */
  string (): string {
    const start = this.#at
    this.expect('"')
    for (;;) {
      const char = this.next()
      if (char === undefined) throw new SyntaxError('unterminated string')
      if (char === '\\') this.#at++
      else if (char === '"') return this.#text.slice(start, this.#at)
    }
  }

  /** Skips one value of any kind. */
  value (): void {
    const char = this.peek()
    if (char === '"') {
      this.string()
    } else if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']'
      this.#at++
      this.skipWhitespace()
      if (this.peek() === close) { this.#at++; return }
      for (;;) {
        this.skipWhitespace()
        if (char === '{') {
          this.string()
          this.skipWhitespace()
          this.expect(':')
          this.skipWhitespace()
        }
        this.value()
        if (this.separator(close)) return
      }
    } else {
      // A number, true, false or null: it runs to the next delimiter.
      while (this.#at < this.#text.length && !/[\s,\]}]/.test(this.#text[this.#at] ?? '')) this.#at++
    }
  }

  /** At `[`: each element's text, without the whitespace around it. */
  arrayElements (): string[] {
    const elements: string[] = []
    this.expect('[')
    this.skipWhitespace()
    if (this.peek() === ']') { this.#at++; return elements }
    for (;;) {
      this.skipWhitespace()
      const start = this.#at
      this.value()
      elements.push(this.#text.slice(start, this.#at))
      if (this.separator(']')) return elements
    }
  }
}
