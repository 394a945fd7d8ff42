import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rawPage } from '../../src/cards/raw-elements.js'

/** The data elements as text, for comparison. */
const rawDataElements = (json: string): string[] | undefined => rawPage(Buffer.from(json)).data?.map((element) => element.toString())
const totalCountOf = (json: string): number | undefined => rawPage(Buffer.from(json)).totalCount

describe('rawPage', () => {
  it('returns each element of the top-level data array as written', () => {
    const json = '{ "total_count" : 3, "data" : [ {"a": [1, 2.50, {"b":"]}\\"{,"}]} ,\n' +
      '\t"x\\u0022" , -1.5e3,true,null, [ ] ],"z":{"data":[9]}}'
    expect(rawDataElements(json)).toEqual(['{"a": [1, 2.50, {"b":"]}\\"{,"}]}', '"x\\u0022"', '-1.5e3', 'true', 'null', '[ ]'])
  })

  it('keeps non-ASCII text, escapes and unknown fields byte for byte', () => {
    const card = '{"card_id":"p1","title":"微信支付 <b>&amp;</b> \\u003c 🙂","future":{"x":[1,2.50,true]}}'
    expect(rawDataElements(`{"data":[${card}],"total_count":1}`)).toEqual([card])
  })

  it('finds an empty array, a data key spelt with an escape, and the last of repeated keys (as JSON.parse does)', () => {
    expect(rawDataElements('{"data":[],"total_count":0}')).toEqual([])
    expect(rawDataElements('{"\\u0064ata":[1]}')).toEqual(['1'])
    expect(rawDataElements('{"data":[1],"data":[2,3]}')).toEqual(['2', '3'])
  })

  it('is undefined without a data array', () => {
    expect(rawDataElements('{}')).toBeUndefined()
    expect(rawDataElements('{"total_count":0}')).toBeUndefined()
    expect(rawDataElements('{"data":{"0":1}}')).toBeUndefined()
    expect(rawDataElements('{"nested":{"data":[1]}}')).toBeUndefined()
  })

  it('gives each element as a view of the page\'s own bytes, not a copy', () => {
    const page = Buffer.from('{"data":[{"title":"微信"},2],"total_count":2}')
    const [first] = rawPage(page).data ?? []
    expect(first?.buffer).toBe(page.buffer)
    expect(first?.byteOffset).toBe(page.byteOffset + 9)
  })

  it('reads the top-level total_count, the last one when repeated, and only a number', () => {
    expect(totalCountOf('{"data":[],"total_count":0}')).toBe(0)
    expect(totalCountOf('{"total_count" : 47 ,"data":[]}')).toBe(47)
    expect(totalCountOf('{"total_count":1,"total_count":2e1}')).toBe(20)
    expect(totalCountOf('{"\u0074otal_count":-3}')).toBe(-3)
    expect(totalCountOf('{"total_count":"5"}')).toBeUndefined()
    expect(totalCountOf('{"total_count":null}')).toBeUndefined()
    expect(totalCountOf('{"nested":{"total_count":5}}')).toBeUndefined()
  })

  it('throws rather than guess on text that is not JSON', () => {
    expect(() => rawDataElements('{"data":[1 2]}')).toThrow(SyntaxError)
    expect(() => rawDataElements('{"data":["open')).toThrow(SyntaxError)
    expect(() => rawDataElements('[1]')).toThrow(SyntaxError)
  })

  it('agrees with JSON.parse on any data array, however it is spaced', () => {
    const spaced = (value: unknown, pad: string): string => JSON.stringify(value, null, pad)
    fc.assert(fc.property(fc.array(fc.jsonValue()), fc.constantFrom('', ' ', '\t', '\n  '), (data, pad) => {
      const json = spaced({ before: { data: [0] }, data, total_count: data.length }, pad)
      const elements = rawDataElements(json)
      expect(elements?.map((e) => JSON.parse(e) as unknown)).toEqual(JSON.parse(json).data)
      expect(totalCountOf(json)).toBe(data.length)
      // Each element is exactly the text JSON.stringify wrote for it.
      if (pad === '') expect(elements).toEqual(data.map((e) => JSON.stringify(e)))
    }))
  })
})
