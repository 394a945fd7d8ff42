import { AjvCompiler, type ValidatorCompiler, type ValidatorFactory } from '@fastify/ajv-compiler'
import { SerializerSelector, type SerializerCompiler, type SerializerFactory } from '@fastify/fast-json-stringify-compiler'
import type { ReliedOn } from './relied-on.js'

// Library internals, with the versions they were checked against (test/unit/library-internals.test.ts).
export const RELIES_ON: readonly ReliedOn[] = [
  {
    package: 'fastify',
    checked: '5.12.8',
    below: '6.0.0',
    internal: 'validation reads `errors` off the validator it called, and passes the parent data only to one with a `schemaEnv`'
  },
  {
    package: '@fastify/ajv-compiler',
    checked: '4.0.8',
    below: '5.0.0',
    internal: 'AjvCompiler() returns (externalSchemas, options) => (route) => an Ajv function, which carries `schemaEnv`'
  },
  {
    package: '@fastify/fast-json-stringify-compiler',
    checked: '5.2.0',
    below: '6.0.0',
    internal: 'SerializerSelector() returns (externalSchemas, options) => (route) => a serializer'
  }
]

type Validate = ReturnType<ValidatorCompiler>

/** Compiled on a route's first validation: compiling every schema up front was a fifth of a production start-up. */
export function lazyValidatorFactory (): ValidatorFactory {
  const buildDefault = AjvCompiler()
  return (externalSchemas, options) => {
    let compiler: ValidatorCompiler | undefined
    return (route) => {
      let compiled: Validate | undefined
      // Fastify reads `errors` off the function, and passes the parent data only to a function with a schemaEnv.
      const validate = ((data: unknown, context?: unknown) => {
        compiled ??= (compiler ??= buildDefault(externalSchemas, options))(route)
        const valid = (compiled as (data: unknown, context?: unknown) => unknown)(data, context)
        validate.errors = compiled.errors
        return valid
      }) as Validate
      Object.defineProperty(validate, 'schemaEnv', { value: true })
      return validate
    }
  }
}

/** Compiled on first use: most response schemas describe problems a healthy replica may never send. */
export function lazySerializerFactory (): SerializerFactory {
  const buildDefault = SerializerSelector()
  return (externalSchemas, options) => {
    let compiler: SerializerCompiler | undefined
    return (route) => {
      let serialize: ReturnType<SerializerCompiler> | undefined
      return (data) => (serialize ??= (compiler ??= buildDefault(externalSchemas, options))(route))(data)
    }
  }
}
