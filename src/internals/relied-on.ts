/**
 * A library whose internals a module of this folder relies on: the version it was checked against,
 * and the next major, which may change them. test/unit/library-internals.test.ts fails when the
 * installed version leaves the range, and checks each internal itself.
 */
export interface ReliedOn {
  package: string
  checked: string
  below: string
  internal: string
}
