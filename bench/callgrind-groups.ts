/**
 * callgrind_annotate's per-function counts, summed by what the code belongs to: zlib, OpenSSL's parts, V8,
 * node, libc. node's bundled zlib and OpenSSL have symbols but no line information, so it goes by name.
 */
import { spawnSync } from 'node:child_process'

// The events callgrind records with --cache-sim=yes, in the order its lines give them.
export const EVENTS = ['Ir', 'Dr', 'Dw', 'I1mr', 'D1mr', 'D1mw', 'ILmr', 'DLmr', 'DLmw'] as const
export type Counts = Record<(typeof EVENTS)[number], number>

const exactly = (...names: string[]): RegExp => new RegExp(`^(${names.join('|')})$`)

// Tried in order, on a function's qualified name alone (plainName): the first that matches names its group.
const GROUPS: Array<[string, RegExp]> = [
  ['zlib (gzip)', exactly('longest_match', 'deflate\\w*', 'compress_block', 'crc32\\w*', 'crc_fold\\w*', 'adler32\\w*', 'send_tree',
    'send_all_trees', 'tr_\\w+', 'fill_window', 'build_tree', 'gen_bitlen', 'gen_codes', 'pqdownheap', 'scan_tree', 'bi_\\w+',
    'inflate\\w*', 'updatewindow', 'copy_with_crc', 'read_buf', 'flush_pending', 'Cr_z_\\w+')],
  ['OpenSSL: RSA and its big numbers', exactly('rsaz_\\w+', 'RSAZ_\\w+', 'bn_\\w+', 'BN_\\w+', 'RSA_\\w+', 'rsa_\\w+',
    'ossl_rsa\\w*', 'ossl_bn\\w*', 'MOD_EXP_\\w+', 'int_bn_\\w+')],
  ['OpenSSL: hashes', exactly('sha\\d+_\\w+', 'SHA\\d+\\w*', 'ossl_sha\\w*', 'HMAC\\w*', 'hmac_\\w+')],
  ['OpenSSL: TLS ciphers', exactly('aesni_\\w+', 'aes_\\w+', 'gcm_\\w+', 'CRYPTO_gcm128\\w*', 'ChaCha20\\w*', 'Poly1305\\w*',
    'ossl_gcm\\w*', 'ossl_aes\\w*')],
  ['OpenSSL: other', exactly('ssl\\w*', 'SSL_\\w+', 'tls\\w*', 'EVP_\\w+', 'ossl_\\w+', 'CRYPTO_\\w+', 'OPENSSL_\\w+', 'ERR_\\w+',
    'ASN1_\\w+', 'X509\\w*', 'EC_\\w+', 'ec_\\w+', 'ecp_\\w+', 'x25519\\w*', 'OSSL_\\w+', 'BIO_\\w+', 'OBJ_\\w+')],
  // The collector's own classes, and the visitors it instantiates templates with.
  ['V8: garbage collection', new RegExp('^(v8::internal::(?!compiler::|interpreter::)(Heap::|[\\w:<>, *]*' +
    '(Mark|Scaveng|Sweep|Evacuat|Compact|RememberedSet|PointersUpdating|MemoryChunk|MemoryAllocator))|heap::base::|cppgc::)')],
  ['V8: runtime, builtins, compiler', /^(v8::|Builtins_)/],
  ['node (C++)', /^node::/],
  // Node's event-loop delay histogram (monitorEventLoopDelay): its mean walks every bucket, on a timer.
  ['HdrHistogram (event-loop delay)', /^(hdr_\w+|\w*iter_next\w*|iter_\w+)$/],
  ['libuv', /^uv_\w+$/],
  ['llhttp', /^llhttp_\w+$/]
]

/** The first index of `wanted` outside <…> and (…), the brackets of C++ templates and parameter lists. */
function topLevelIndex (text: string, wanted: (c: string) => boolean): number {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (depth === 0 && wanted(c)) return i
    if (c === '<' || c === '(') depth++
    else if ((c === '>' || c === ')') && depth > 0) depth--
  }
  return -1
}

/** What follows the last space outside brackets: a qualified name without its return type or "thunk to". */
function lastTopLevelWord (text: string): string {
  let rest = text.trim()
  for (let space = topLevelIndex(rest, (c) => c === ' '); space >= 0; space = topLevelIndex(rest, (c) => c === ' ')) {
    rest = rest.slice(space + 1).trim()
  }
  return rest
}

/**
 * A function's qualified name as the groups match it: "file:" before it, its return type and "thunk to",
 * its parameter list, compiler clone suffixes and leading underscores all dropped, so that a name is never
 * grouped by a type it merely takes (node::crypto::Hash::HashUpdate(v8::FunctionCallbackInfo…) is node's).
 */
export function plainName (located: string): string {
  // "file:function", the file ??? without line information; C++ names hold "::", never a lone ":".
  const name = located.replace(/^[^:]*:(?!:)/, '').replace(/\s+\[clone [^\]]*\]$/, '')
  // The parameter list opens at the first "(" outside template brackets ("(anonymous namespace)" cuts early, still in its namespace).
  const open = topLevelIndex(name, (c) => c === '(')
  const qualified = lastTopLevelWord(open < 0 ? name : name.slice(0, open))
  return qualified.replace(/(\.(constprop|part|isra|cold|lto_priv)(\.\d+)?)+$/, '').replace(/^_+(?=[a-zA-Z])/, '')
}

export function groupOf (name: string, object: string): string {
  const named = GROUPS.find(([, pattern]) => pattern.test(name))?.[0]
  if (named !== undefined) return named
  if (/libc\.so|ld-linux/.test(object)) return 'libc (memcpy, memset, …)'
  if (/jemalloc/.test(object)) return 'jemalloc'
  return /^0x/.test(name) ? 'JIT code' : 'other'
}

/** callgrind_annotate's function table (run with --auto=no, so nothing follows it), summed by group. */
export function groupAnnotated (text: string): Map<string, Counts> {
  const groups = new Map<string, Counts>()
  const lines = text.split('\n')
  const header = lines.findIndex((line) => /\sfile:function\s*$/.test(line))
  if (header < 0) throw new Error('callgrind_annotate printed no function table')
  // The header, a rule, then one line per function up to the first blank line.
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break
    // Counts (each maybe with its share in parentheses, "." for none), then "file:function [object]".
    const match = /^\s*([\d,]+(?:\s+\([^)]*\))?(?:\s+(?:[\d,]+|\.)(?:\s+\([^)]*\))?)*)\s+(\S.*)$/.exec(line)
    if (match === null) throw new Error(`callgrind_annotate: a line of no known form: ${line}`)
    const numbers = (match[1] ?? '').replace(/\([^)]*\)/g, '').trim().split(/\s+/)
      .map((n) => n === '.' ? 0 : Number(n.replace(/,/g, '')))
    if (numbers.length !== EVENTS.length || numbers.some(Number.isNaN)) {
      throw new Error(`callgrind_annotate: ${EVENTS.length} counts expected in: ${line}`)
    }
    const [located = '', object = ''] = (match[2] ?? '').split(/\s+\[(?=[^\]]*\]$)/)
    const group = groupOf(plainName(located), object)
    const sum = groups.get(group) ?? Object.fromEntries(EVENTS.map((event) => [event, 0])) as Counts
    EVENTS.forEach((event, i) => { sum[event] += numbers[i] ?? 0 })
    groups.set(group, sum)
  }
  if (groups.size === 0) throw new Error('callgrind_annotate listed no function')
  return groups
}

/** Per-function self counts of one callgrind output, summed by group. */
export function groupedCounts (outFile: string): Map<string, Counts> {
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', '--auto=no', '--inclusive=no', outFile],
    { encoding: 'utf8', maxBuffer: 1 << 28 })
  if (annotated.error !== undefined) throw annotated.error
  if (annotated.status !== 0) throw new Error(`callgrind_annotate ${outFile}: ${annotated.stderr}`)
  return groupAnnotated(annotated.stdout)
}
