import { describe, expect, it } from 'vitest'
import { RouteMethods } from '../../src/http/route-methods.js'

describe('RouteMethods: the methods routes take on a path', () => {
  const routes = new RouteMethods()
  routes.add('GET', '/cards')
  routes.add('HEAD', '/cards')
  routes.add('DELETE', '/cards/cache')
  routes.add(['GET', 'HEAD'], '/problems/:name')
  routes.add('GET', '/docs/static/*')
  routes.add('GET', '/v3.1/x')

  it('matches static paths exactly', () => {
    expect(routes.methodsOf('/cards')).toEqual(['GET', 'HEAD'])
    expect(routes.methodsOf('/cards/cache')).toEqual(['DELETE'])
    expect(routes.methodsOf('/cards/')).toEqual([])
    expect(routes.methodsOf('/cards/cache/x')).toEqual([])
  })

  it('matches :name as one segment and * as the rest', () => {
    expect(routes.methodsOf('/problems/not-found')).toEqual(['GET', 'HEAD'])
    expect(routes.methodsOf('/problems/a/b')).toEqual([])
    expect(routes.methodsOf('/docs/static/index.css')).toEqual(['GET'])
    expect(routes.methodsOf('/docs/static/a/b.js')).toEqual(['GET'])
  })

  it('takes the rest of a pattern literally', () => {
    expect(routes.methodsOf('/v3.1/x')).toEqual(['GET'])
    expect(routes.methodsOf('/v3x1/x')).toEqual([])
  })
})
