// Commands whose every argument is a key, and commands whose first argument is the one key.
const ALL_KEYS = new Set(['get', 'mget', 'del', 'unlink', 'exists', 'pttl', 'ttl'])
const FIRST_KEY = new Set(['set', 'pexpire', 'expire', 'incr', 'publish', 'subscribe'])

/**
 * `db.query.text` of a Redis span: the command and the keys it touches, never a value. The
 * instrumentation's default keeps every argument of EVAL and EVALSHA (our scripts' arguments:
 * lock tokens, whole pages) and the first of any command it does not know, such as AUTH's
 * password.
 */
export function redisStatement (command: string, args: Array<string | Buffer | number | unknown>): string {
  const name = command.toLowerCase()
  const text = args.map((arg) => Buffer.isBuffer(arg) ? '?' : String(arg))
  if (ALL_KEYS.has(name)) return [command, ...text].join(' ')
  if (FIRST_KEY.has(name) && text.length > 0) return `${command} ${text[0] ?? ''}`
  if (name === 'eval' || name === 'evalsha') {
    // EVAL script numkeys key… arg…: the keys only.
    const keys = Number(text[1])
    return Number.isInteger(keys) && keys > 0 ? [command, ...text.slice(2, 2 + keys)].join(' ') : command
  }
  return command
}
