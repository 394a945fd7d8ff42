/**
 * A library whose internals a module of this folder relies on: the version it was checked against,
 * and the next major, which may change them. test/unit/library-internals.test.ts fails when the
 * installed version leaves the range, and checks each internal itself.
 */
export interface ReliedOn {
  package: string
  /** The version each assumption was checked against. */
  checked: string
  /** The first version the assumptions are not promised for. */
  below: string
  /** What is relied on, that the library does not document. */
  internal: string
}
