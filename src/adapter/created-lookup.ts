/**
 * `port` with the lookup `make` builds for it: one line of an adapter's wiring, for a lookup that
 * reads found records through the port itself. The port is the new one's prototype, so a port
 * that is a class instance keeps its methods, and `this` in them still finds the others.
 */
export function withCreatedLookup<P extends object, L>(port: P, make: (port: P) => L): P & { readonly createdLookup: L } {
  return Object.assign(Object.create(port) as P, { createdLookup: make(port) })
}
