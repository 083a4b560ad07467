import { OPENAPI_FILE, writeOpenApiFile } from './openapi-file.ts'

// `pnpm openapi:write`: regenerates docs/openapi.json from OPENAPI_DOCUMENT (document.ts).
await writeOpenApiFile()
console.info(`wrote ${OPENAPI_FILE}`)
