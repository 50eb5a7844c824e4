// The import hooks of `record-imports.mjs`: each module loaded is told to the main thread.
let port

export function initialize(data) {
  port = data.port
}

export async function load(url, context, next) {
  port.postMessage(url)
  return next(url, context)
}
