import { describe, expect, it } from 'vitest'
import { groupAnnotated, groupOf, plainName } from '../../bench/callgrind-groups.js'

// Names as callgrind_annotate prints them for node's binary (no line information: "???:").
const group = (located: string, object = '/usr/bin/node'): string => groupOf(plainName(located), object)

describe('callgrind groups', () => {
  it('groups a function by its own name, never by a type it takes or returns', () => {
    expect(group('???:node::crypto::Hash::HashUpdate(v8::FunctionCallbackInfo<v8::Value> const&)')).toBe('node (C++)')
    expect(group('???:v8::internal::HeapObject::SizeFromMap(v8::internal::Map) const')).toBe('V8: runtime, builtins, compiler')
    expect(group('???:void v8::internal::Utf8DecoderBase<v8::internal::Utf8Decoder>::Decode<unsigned short>(unsigned short*, ' +
      'v8::base::Vector<unsigned char const> const&)')).toBe('V8: runtime, builtins, compiler')
    expect(group('???:heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(' +
      'v8::internal::FullHeapObjectSlot, v8::internal::HeapObject)')).toBe('V8: garbage collection')
    expect(group('???:non-virtual thunk to v8::internal::PointersUpdatingVisitor::VisitRootPointers(v8::internal::Root, char const*)'))
      .toBe('V8: garbage collection')
    expect(group('???:v8::internal::compiler::MachineOperatorReducer::ReduceWord32Compare(v8::internal::compiler::Node*)'))
      .toBe('V8: runtime, builtins, compiler')
  })

  it('knows zlib and OpenSSL by their symbols, compiler clones included', () => {
    expect(group('???:longest_match')).toBe('zlib (gzip)')
    expect(group('???:_tr_flush_block')).toBe('zlib (gzip)')
    expect(group('???:pqdownheap.constprop.0')).toBe('zlib (gzip)')
    expect(group('???:deflate_slow.cold')).toBe('zlib (gzip)')
    expect(group('???:rsaz_1024_sqr_avx2')).toBe('OpenSSL: RSA and its big numbers')
    expect(group('???:sha256_block_data_order_avx2')).toBe('OpenSSL: hashes')
    expect(group('???:_aesni_ctr32_ghash_6x')).toBe('OpenSSL: TLS ciphers')
  })

  it('falls back to the object for libc and jemalloc, and to the address for JIT code', () => {
    expect(group('./string/../sysdeps/x86_64/multiarch/memmove-vec-unaligned-erms.S:__memcpy_avx_unaligned_erms',
      '/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('libc (memcpy, memset, …)')
    expect(group('???:0x0000000009b6f5c0', '???')).toBe('JIT code')
    expect(group('???:some_helper')).toBe('other')
  })

  it('sums the function table, "." as zero, and reads nothing after it', () => {
    const rule = '-'.repeat(80)
    const table = [
      rule, 'Ir          Dr        Dw       I1mr    D1mr    D1mw    ILmr    DLmr    DLmw     ', rule,
      '1,000 (100.0%) 500 (100.0%) 100 (100.0%) 10 (100.0%) 20 (100.0%) 5 (100.0%) 1 (100.0%) 4 (100.0%) 2 (100.0%)  PROGRAM TOTALS',
      '', rule,
      'Ir          Dr        Dw       I1mr    D1mr    D1mw    ILmr    DLmr    DLmw      file:function', rule,
      '  600 (60.00%)  300 (60.00%)  60 (60.00%)  6 (60.00%)  12 (60.00%)  3 (60.00%)  1 (100.0%)  3 (75.00%)  .   ' +
        '???:longest_match [/usr/bin/node]',
      '  300 (30.00%)  150 (30.00%)  30 (30.00%)  3 (30.00%)   6 (30.00%)  2 (40.00%)  0            1 (25.00%)  2 (100.0%)  ' +
        '???:deflate_fast [/usr/bin/node]',
      '  100 (10.00%)   50 (10.00%)  10 (10.00%)  1 (10.00%)   2 (10.00%)  .           .            .           .   ' +
        '???:node::Foo::Bar(v8::Local<v8::Value>) [/usr/bin/node]',
      '',
      'a source file annotated after the table would start here',
      '  999 (99.9%)  999 (99.9%)  999 (99.9%)  9 (9%)  9 (9%)  9 (9%)  9 (9%)  9 (9%)  9 (9%)  ???:longest_match [/usr/bin/node]'
    ].join('\n')
    const groups = groupAnnotated(table)
    expect([...groups.keys()].sort()).toEqual(['node (C++)', 'zlib (gzip)'])
    expect(groups.get('zlib (gzip)')).toEqual({ Ir: 900, Dr: 450, Dw: 90, I1mr: 9, D1mr: 18, D1mw: 5, ILmr: 1, DLmr: 4, DLmw: 2 })
    expect(groups.get('node (C++)')).toEqual({ Ir: 100, Dr: 50, Dw: 10, I1mr: 1, D1mr: 2, D1mw: 0, ILmr: 0, DLmr: 0, DLmw: 0 })
  })

  it('refuses output without a function table rather than counting nothing', () => {
    expect(() => groupAnnotated('Profile data file x\n\nno table here\n')).toThrow(/no function table/)
  })
})
