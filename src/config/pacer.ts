/**
 * Long config work (reading and building a config of 10,000 tenants) in slices: `pace()` yields
 * to the event loop once the current slice has run `sliceMs`, so the gateway keeps answering
 * requests while a reload is read, checked and built.
 */
export class Pacer {
  private sliceStart = performance.now()

  constructor(private readonly sliceMs = 5) {}

  async pace(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return
    await new Promise((resolve) => setImmediate(resolve))
    this.sliceStart = performance.now()
  }
}
